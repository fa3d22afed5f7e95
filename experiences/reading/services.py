"""收藏 and 已学: idempotent writes, safe when a double click or two tabs send them twice.

The unique constraints, not a read-then-write, guarantee one row per person and item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from experiences.reading.models import Bookmark, PrincipleRead

if TYPE_CHECKING:
    from experiences.accounts.models import User
    from experiences.essays.models import Principle
    from experiences.reflections.models import Reflection


def bookmark_set(
    *,
    user: User,
    principle: Principle | None = None,
    reflection: Reflection | None = None,
    bookmarked: bool,
) -> bool:
    """Make the user's 收藏 of the principle or reflection be ``bookmarked``; returns it."""
    if (principle is None) == (reflection is None):
        raise ValueError("bookmark exactly one of principle or reflection")
    item = {"principle": principle} if principle is not None else {"reflection": reflection}
    if bookmarked:
        try:
            with transaction.atomic():
                Bookmark.objects.get_or_create(user=user, **item)
        except IntegrityError:
            pass  # a concurrent request stored it first
        return True
    Bookmark.objects.filter(user=user, **item).delete()
    return False


def bookmark_delete(*, bookmark: Bookmark) -> None:
    bookmark.delete()


def principle_read_mark(*, user: User, principle: Principle) -> bool:
    """Record that the user read ``principle`` to its end; returns whether this is new."""
    try:
        with transaction.atomic():
            _, created = PrincipleRead.objects.get_or_create(user=user, principle=principle)
    except IntegrityError:
        return False  # a concurrent request (the observer and the button) stored it first
    return created


def principle_read_unmark(*, user: User, principle: Principle) -> None:
    PrincipleRead.objects.filter(user=user, principle=principle).delete()
