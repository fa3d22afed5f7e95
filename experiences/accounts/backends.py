"""The signed-in colleague of every request, from the shared cache instead of the database.

Django's ModelBackend loads the user row on every request of a signed-in colleague: a
query (and its compilation) that cost as much as the rest of a shared page. Here the
row is kept in the shared cache (Redis when app servers are several) and forgotten
whenever it is written: every ``save()`` and ``delete()`` (receivers in apps.py), and
every ``User.objects.filter(...).update(...)`` (``UserQuerySet.update``), at once and
again after commit, so no server goes on signing anyone in with an old row — a changed
password, a deactivation, a new unit show on the next request everywhere.

Django still checks the session against the row exactly as before
(``django.contrib.auth.get_user``: the backend named in the session, the session's
password digest); the backend only answers ``get_user`` from the cache. Permissions and
groups are not part of the cached row: they are asked of the database when a page asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

# Bounds how long a row could stay stale if Redis missed a delete while it was down.
USER_CACHE_SECONDS = 600


def _user_key(user_id: object) -> str:
    return f"auth-user:{user_id}"


def user_cache_forget(*, user_ids: Iterable[object]) -> None:
    """Forget the cached rows of these users, now and once the transaction commits."""
    keys = [_user_key(user_id) for user_id in user_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def user_saved_or_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver for the user model."""
    if instance.pk is not None:
        user_cache_forget(user_ids=[instance.pk])


class CachedModelBackend(ModelBackend):
    """ModelBackend whose ``get_user`` reads the row from the shared cache first."""

    def get_user(self, user_id: Any) -> Any:
        key = _user_key(user_id)
        # Kept in each process while Redis tracks the key, where the cache can (kb/cache.py).
        user = getattr(cache, "get_near", cache.get)(key)
        if user is None:
            user = super().get_user(user_id)  # None: no such user, or not active
            if user is not None:
                # Stored as loaded: no permission cache or request state comes along.
                cache.set(key, user, USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None
