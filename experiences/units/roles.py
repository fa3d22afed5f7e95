"""Roles (版主, 编辑, 组织员): given and taken in one place, logged.

A role used to be found by trial: tick is_staff, add the group, pick 所属单位 in
an autocomplete, and forget one of the three. Here a role is granted and revoked
as a whole: the group, is_staff (the admin's door, kept while any role remains)
and, for an organiser, the unit whose subtree they manage. Every change is written
to the admin's own history (LogEntry, when someone did it through the site or
named themselves) and to the application log, so "who made them a moderator"
has an answer. Used by the user admin's actions and by ``manage.py grant_role``
and ``revoke_role``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from experiences.core.viewer_state import viewer_state_changed

if TYPE_CHECKING:
    from experiences.accounts.models import User
    from experiences.units.models import Unit

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "版主"
EDITORS_GROUP = "编辑"
# Organisers manage a unit's subtree: its members, 学习专题 and reports (units, study).
ORGANISERS_GROUP = "组织员"
# The roles, in the order the admin offers them.
ROLES = (MODERATORS_GROUP, EDITORS_GROUP, ORGANISERS_GROUP)


class RoleError(Exception):
    """A role cannot be given or taken as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class RoleChange:
    user: User
    role: str
    changed: bool
    message: str


def roles_of(*, user: User) -> list[str]:
    """The roles ``user`` holds, in ROLES order."""
    held = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return [role for role in ROLES if role in held]


def _group(role: str) -> Group:
    if role not in ROLES:
        raise RoleError(
            _("没有“%(role)s”这个角色\uff0c可选\uff1a版主、编辑、组织员。") % {"role": role}
        )
    group = Group.objects.filter(name=role).first()
    if group is None:
        # The groups come from data migrations; a flushed database lacks them.
        raise RoleError(_("角色“%(role)s”的用户组不存在\uff0c请先运行 migrate。") % {"role": role})
    return group


def _log(*, actor: User | None, user: User, message: str) -> None:
    logger.info(
        "role change: %s",
        message,
        extra={"actor_id": actor.pk if actor else None, "user_id": user.pk},
    )
    if actor is not None and actor.pk is not None:
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=get_user_model().objects.filter(pk=user.pk),
            action_flag=CHANGE,
            change_message=message,
            single_object=True,
        )


@transaction.atomic
def role_grant(
    *, user: User, role: str, unit: Unit | None = None, actor: User | None
) -> RoleChange:
    """Give ``role`` to ``user``: the group, is_staff, and the unit when one is named.

    An organiser needs a unit (the subtree they manage): the one named, else the
    one they already belong to. Granting a role held already changes only the unit.
    """
    group = _group(role)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise RoleError(_("%(user)s 的账号已停用\uff0c不能授予角色。") % {"user": user})
    if role == ORGANISERS_GROUP and unit is None and user.org_unit_id is None:
        raise RoleError(
            _("组织员需要所属单位\uff1a请选择单位\uff08命令行用 --unit 单位编码\uff09。")
        )
    had = user.groups.filter(pk=group.pk).exists()
    fields = []
    if not user.is_staff:
        user.is_staff = True
        fields.append("is_staff")
    if unit is not None and user.org_unit_id != unit.pk:
        user.org_unit = unit
        fields.append("org_unit")
    if fields:
        user.save(update_fields=fields)
    if not had:
        user.groups.add(group)
    changed = bool(fields) or not had
    if unit is not None:
        message = _("授予角色\uff1a%(role)s\uff08单位\uff1a%(unit)s\uff09") % {
            "role": role,
            "unit": unit,
        }
    else:
        message = _("授予角色\uff1a%(role)s") % {"role": role}
    if changed:
        _log(actor=actor, user=user, message=message)
        # Their rights decide what shared signed-in pages show them.
        viewer_state_changed(user_ids=[user.pk])
    return RoleChange(user=user, role=role, changed=changed, message=message)


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User | None) -> RoleChange:
    """Take ``role`` from ``user``: the group, and is_staff once no role is left.

    A superuser keeps is_staff (it is not a role's). The unit stays: it is also
    where the colleague belongs in reports; without the group it grants no scope.
    """
    group = _group(role)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    message = _("撤销角色\uff1a%(role)s") % {"role": role}
    if not user.groups.filter(pk=group.pk).exists():
        return RoleChange(user=user, role=role, changed=False, message=message)
    user.groups.remove(group)
    if user.is_staff and not user.is_superuser and not roles_of(user=user):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    _log(actor=actor, user=user, message=message)
    viewer_state_changed(user_ids=[user.pk])
    return RoleChange(user=user, role=role, changed=True, message=message)
