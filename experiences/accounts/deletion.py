"""Leaving (个人信息保护法, issue 19): deleting an account, in one transaction.

``account_delete(user=..., keep_reflections=...)`` does, in order:

1. makes a *tombstone*: a new inactive user named by a random pseudonym
   (已注销用户#<8 hex digits>), with no password, e-mail or profile, recording
   when and which roles (版主、编辑、管理员) the person held. A new row, so
   its number says nothing about the old account;
2. re-points every row that outlives a person (a foreign key to the user with
   ``on_delete=SET_NULL``: the moderation log's actor, the revision history's
   user) to the tombstone, so what a moderator or editor did stays attributable
   to a pseudonym and its role instead of becoming anonymous;
3. runs the steps the domains above registered (``register_deletion_step``), in
   the order they registered: reflections keeps the published reflections on the
   tombstone if asked (shown as 已注销用户, no profile link, in pages, feeds,
   search and exports), deletes every other one (pending and rejected ones
   always), names the pseudonym in the moderation log's texts that named them
   (“心得 #12《…》（小王）”) and takes back their 点赞 (reflections/leaving.py);
   search moves the kept reflections' documents to the tombstone; replies,
   drafts… do their own;
4. deletes their login records and finally the user row itself: every row
   with a cascading key to the user (profile, posting record, sessions' owner,
   and whatever new domains add — bookmarks, notifications, drafts) goes with it.

Cached pages are outdated in the open (``user_changed``) and the search index
follows the deleted reflections (cascading documents, tag
receivers).

The username is free again afterwards. Nothing links it to the tombstone or
to the kept reflections (they show neither the old name nor a link), so a newcomer
who takes the name cannot pass for the author of those reflections, and the old
profile address answers 404 until then. Keeping the name reserved would mean
keeping it — or a guessable hash of it — which the deletion is meant to end.

A domain whose rows must do more than cascade or keep a pseudonym registers a
step, from its own module (called from ``apps.py``'s ``ready``)::

    from experiences.accounts.deletion import register_deletion_step

    def drafts_forget(*, user, tombstone, keep_reflections):
        Draft.objects.filter(author=user).delete()

    register_deletion_step("drafts", drafts_forget)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from experiences.accounts.logins import login_records_delete
from experiences.accounts.services import user_changed

if TYPE_CHECKING:
    from experiences.accounts.models import User

PSEUDONYM_PREFIX = "已注销用户#"
ROLE_SEPARATOR = "\u3001"
ADMIN_ROLE = "管理员"


class AccountAlreadyDeleted(Exception):
    """A concurrent request deleted the account first."""


class DeletionStep(Protocol):
    def __call__(self, *, user: User, tombstone: User, keep_reflections: bool) -> None: ...


_steps: dict[str, DeletionStep] = {}


def register_deletion_step(name: str, step: DeletionStep | Callable[..., None]) -> None:
    """Run ``step(user=, tombstone=, keep_reflections=)`` inside every account deletion."""
    _steps[name] = step


def _roles_of(user: User) -> str:
    roles = sorted(user.groups.values_list("name", flat=True))
    if user.is_staff or user.is_superuser:
        roles.append(ADMIN_ROLE)
    return ROLE_SEPARATOR.join(roles)[:100]


def tombstone_create(*, user: User) -> User:
    """A new, inactive, nameless user to hold what outlives ``user``."""
    model = get_user_model()
    for _ in range(5):
        pseudonym = PSEUDONYM_PREFIX + secrets.token_hex(4)
        try:
            with transaction.atomic():
                tombstone = model(
                    username=pseudonym,
                    is_active=False,
                    deleted_at=timezone.now(),
                    deleted_roles=_roles_of(user),
                )
                tombstone.set_unusable_password()
                tombstone.save()
                return tombstone
        except IntegrityError:
            continue  # the same 32 random bits twice: draw again
    raise IntegrityError("no free pseudonym")


def _outliving_rows_repoint(*, user: User, tombstone: User) -> None:
    """Every row that Django would set to NULL when the user goes keeps the tombstone instead."""
    # Hidden ones too: the moderation log and the revision history use related_name="+".
    for relation in get_user_model()._meta.get_fields(include_hidden=True):
        if (
            not isinstance(relation, models.ManyToOneRel)
            or relation.on_delete is not models.SET_NULL
        ):
            continue
        field = relation.field
        field.model._base_manager.filter(**{field.name: user}).update(**{field.name: tombstone})


@transaction.atomic
def account_delete(*, user: User, keep_reflections: bool) -> User:
    """Delete ``user``'s account; returns the tombstone that keeps what outlives them."""
    model = get_user_model()
    # One deletion at a time per account: of two submits racing, the second finds no one.
    locked = model.objects.select_for_update().filter(pk=user.pk, deleted_at=None).first()
    if locked is None:
        raise AccountAlreadyDeleted
    user = locked
    tombstone = tombstone_create(user=user)

    _outliving_rows_repoint(user=user, tombstone=tombstone)
    # The admin's own change list cascades with its user: an editor's record stays.
    LogEntry.objects.filter(user=user).update(user=tombstone)
    for step in _steps.values():
        step(user=user, tombstone=tombstone, keep_reflections=keep_reflections)
    login_records_delete(username=user.username)
    user_id = user.pk
    user.delete()
    # Their name leaves every card, their 点赞 and reflections every page.
    user_changed(user_ids=[user_id])
    return tombstone
