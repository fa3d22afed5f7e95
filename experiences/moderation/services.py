"""Moderation rules reflections and replies share: one place, each kind counted apart.

- Who moderates: holders of ``experiences.moderate_reflection`` (the 版主 role);
  nobody reviews their own item (``SelfReviewRefused``), a system decision passes.
- The hourly posting limit: ``posting_slot_take`` with the kind's ``PostingLimit``,
  called inside the transaction that stores the item.
- The pending queue: ``pending_locked`` locks a queue item that is still pending.
- Publishing and rejecting: ``item_publish`` and ``item_reject`` write the state; the
  caller, inside the same transaction, logs it and does what its kind adds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from experiences.moderation.models import (
    PostingRecord,
    PostingRecordBase,
    ReplyPostingRecord,
    Status,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User

MODERATE_PERMISSION = "experiences.moderate_reflection"


class SelfReviewRefused(Exception):
    """A moderator tried to review (approve, reject, feature, clear 举报) their own item."""


def review_self_check(*, moderator: User | AnonymousUser | None, author_id: int | None) -> None:
    """Refuse a review of the moderator's own item; a system decision (no moderator) passes."""
    if moderator is not None and moderator.pk is not None and moderator.pk == author_id:
        raise SelfReviewRefused


def user_can_moderate(*, user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


class PostingRateLimited(Exception):
    """The author created more items of one kind in the last hour than its limit allows."""


class ReflectionRateLimited(PostingRateLimited):
    """Too many reflections in the last hour (REFLECTIONS_PER_HOUR)."""


class ReplyRateLimited(PostingRateLimited):
    """Too many replies in the last hour (REPLIES_PER_HOUR)."""


@dataclass(frozen=True)
class PostingLimit:
    """One kind's hourly limit: its own records (so kinds count apart), its setting, its refusal."""

    records: type[PostingRecordBase]
    setting: str
    refused: type[PostingRateLimited]

    @property
    def per_hour(self) -> int:
        return int(getattr(settings, self.setting))


REFLECTION_POSTING = PostingLimit(PostingRecord, "REFLECTIONS_PER_HOUR", ReflectionRateLimited)
REPLY_POSTING = PostingLimit(ReplyPostingRecord, "REPLIES_PER_HOUR", ReplyRateLimited)


def posting_slot_take(*, author: User, limit: PostingLimit) -> None:
    """Count one more item against the author's hourly ``limit``, or raise its refusal.

    Called inside the transaction that stores the item. Locking the author's row
    serializes that author's concurrent posts on PostgreSQL; SQLite takes its write
    lock when the transaction begins (IMMEDIATE mode, see settings). So no two
    requests both see the last free slot.
    """
    get_user_model().objects.select_for_update().filter(pk=author.pk).exists()
    records = limit.records._default_manager
    records.filter(author=author, created_at__lt=timezone.now() - timedelta(hours=1)).delete()
    if records.filter(author=author).count() >= limit.per_hour:
        raise limit.refused
    records.create(author=author)


class Moderated(Protocol):
    """What a moderated item (a reflection, a reply) has."""

    pk: Any
    author_id: int
    status: str
    rejection_reason: str
    published_at: Any

    def save(self, *, update_fields: Iterable[str]) -> None: ...


M = TypeVar("M", bound=models.Model)


def pending_locked(*, model: type[M], pk: int) -> M | None:
    """The queue item ``pk`` locked for the rest of the transaction, or None when it is no
    longer pending: of two moderators deciding at once (or a button pressed twice), the
    second finds nothing to decide and changes nothing."""
    return model._default_manager.select_for_update().filter(pk=pk, status=Status.PENDING).first()


def item_publish(*, item: Moderated, moderator: User | None, also: Iterable[str] = ()) -> None:
    """Publish ``item`` (never the moderator's own): the reason of an earlier rejection goes,
    the first publication's date stays."""
    review_self_check(moderator=moderator, author_id=item.author_id)
    item.status = Status.PUBLISHED
    item.rejection_reason = ""
    item.published_at = item.published_at or timezone.now()
    item.save(update_fields=["status", "rejection_reason", "published_at", *also])


def item_reject(
    *, item: Moderated, reason: str, moderator: User | None, also: Iterable[str] = ()
) -> None:
    """Reject ``item`` with the reason its author reads (never the moderator's own)."""
    review_self_check(moderator=moderator, author_id=item.author_id)
    item.status = Status.REJECTED
    item.rejection_reason = reason.strip()
    item.save(update_fields=["status", "rejection_reason", *also])
