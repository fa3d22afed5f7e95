"""Who may see and manage which units: the one scope rule, used by every page and admin list.

A viewer's scope is a list of unit paths (subtree roots); ``None`` means the
whole tree. Only superusers and users granted ``experiences.view_all_units``
have the whole tree; an organiser (组织员) with a unit has that unit's
subtree; everyone else, ``is_staff`` or not, has nothing. Being staff only
opens the admin: it is not a scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

from experiences.study.models import ORGANISERS_GROUP, StudyTopic
from experiences.units.models import WHOLE_TREE_PERMISSION, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from experiences.accounts.models import User

STEP = Unit.steplen


def is_organiser(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=ORGANISERS_GROUP).exists()
    )


def viewer_scope(user: User | AnonymousUser) -> list[str] | None:
    """The subtree roots the user may see and manage; None for the whole tree.

    The whole tree needs superuser or the explicit permission: a moderator,
    editor or former organiser who is still staff gets an empty scope.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser or user.has_perm(WHOLE_TREE_PERMISSION):
        return None
    if user.org_unit_id is None or not is_organiser(user):
        return []
    path = Unit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()
    return [path] if path else []


def scope_q(scope: list[str] | None, prefix: str = "") -> Q:
    """Rows whose unit (``<prefix>path``) lies in the scope; nothing for an empty scope."""
    if scope is None:
        return Q()
    condition = Q(pk__in=[])
    for root in scope:
        condition |= Q(**{f"{prefix}path__startswith": root})
    return condition


def path_within(path: str, scope: list[str] | None) -> bool:
    return scope is None or any(path.startswith(root) for root in scope)


def may_use_dashboard(user: User | AnonymousUser) -> bool:
    """Whether viewer_scope is not []: an organiser with a unit, or the whole tree.

    Every home page asks, so it is one query rather than the organiser check plus
    the two of loading the user's permissions; the permission is looked up as
    ModelBackend (the only backend granting permissions) would.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, codename = WHOLE_TREE_PERMISSION.split(".")
    granted = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    organiser = Q(groups__name=ORGANISERS_GROUP, org_unit__isnull=False)
    return get_user_model().objects.filter(granted | organiser, pk=user.pk).exists()


def topics_visible(user: User | AnonymousUser, scope: list[str] | None) -> QuerySet[StudyTopic]:
    """Topics whose pages (report, exports, admin) the user may open, given their ``scope``.

    Whole tree: every topic. Organisers: the topics they organise or created,
    and those organised by someone in their subtree. Nobody else: none.
    """
    topics = StudyTopic.objects.all()
    if scope is None:
        return topics
    if not scope:
        return topics.none()
    mine = Q(organisers=user) | Q(created_by=user) | scope_q(scope, "organisers__org_unit__")
    return topics.filter(pk__in=StudyTopic.objects.filter(mine).values("pk"))


def topic_visible_to(topic: StudyTopic, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    scope = viewer_scope(user)
    return scope is None or topics_visible(user, scope).filter(pk=topic.pk).exists()


def topic_editable_with(target_paths: Iterable[str], scope: list[str] | None) -> bool:
    """Whether a viewer with ``scope`` may change a topic with these targets.

    Only when the scope covers every target: an organiser of one 乡镇 must not
    rename, narrow or take over a topic the county (or another town) set.
    """
    if scope is None:
        return True
    paths = list(target_paths)
    return bool(scope) and all(path_within(path, scope) for path in paths)


def roots_dedupe(paths: list[str]) -> list[str]:
    """Drop every path inside another one: overlapping targets are counted once."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return kept


def roots_within(targets: list[str], scope: list[str] | None) -> list[str]:
    """The parts of the target subtrees that lie inside the viewer's scope."""
    targets = roots_dedupe(targets)
    if scope is None:
        return targets
    found = []
    for target in targets:
        for root in scope:
            if target.startswith(root):
                found.append(target)
            elif root.startswith(target):
                found.append(root)
    return roots_dedupe(found)


def ancestor_paths(path: str) -> list[str]:
    """The path of the unit and of every unit above it."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]
