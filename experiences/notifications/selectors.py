"""Reading notifications: a colleague's list, and the unread count every signed-in page shows.

The count sits in the shared cache (Redis when app servers are several) so a page
costs no query for it once known; a miss costs one. Every write forgets it, at once
and after commit, so no server keeps showing an old count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

from experiences.notifications.models import Notification

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User

# Bounds how long a count could stay wrong if Redis missed a delete while it was down.
UNREAD_COUNT_SECONDS = 300


def unread_cache_key(user_id: int) -> str:
    return f"notifications-unread:{user_id}"


def unread_count_of(*, user: User, known: int | None = None) -> int:
    """``known``: the cached count, when the caller has read it already (shared pages)."""
    key = unread_cache_key(user.pk)
    count = cache.get(key) if known is None else known
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return int(count)


def unread_count_forget(*, user_id: int) -> None:
    key = unread_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-updated_at", "-pk")
