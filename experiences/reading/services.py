"""收藏 and 已学: idempotent writes, safe when a double click or two tabs send them twice.

The unique constraints, not a read-then-write, guarantee one row per person and item.
Each write tells shared signed-in pages that what they know of the reader changed
(``viewer_state_changed``): their 收藏 and 已学 show there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from experiences.core.viewer_state import viewer_state_changed
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
                viewer_state_changed(user_ids=[user.pk])
        except IntegrityError:
            pass  # a concurrent request stored it first
        return True
    Bookmark.objects.filter(user=user, **item).delete()
    viewer_state_changed(user_ids=[user.pk])
    return False


def bookmark_delete(*, bookmark: Bookmark) -> None:
    bookmark.delete()
    viewer_state_changed(user_ids=[bookmark.user_id])


def principle_read_mark(*, user: User, principle: Principle) -> bool:
    """Record that the user read ``principle`` to its end; returns whether this is new."""
    try:
        with transaction.atomic():
            _, created = PrincipleRead.objects.get_or_create(user=user, principle=principle)
            viewer_state_changed(user_ids=[user.pk])
    except IntegrityError:
        return False  # a concurrent request (the observer and the button) stored it first
    return created


def principle_read_unmark(*, user: User, principle: Principle) -> None:
    PrincipleRead.objects.filter(user=user, principle=principle).delete()
    viewer_state_changed(user_ids=[user.pk])
