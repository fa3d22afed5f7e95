"""Writing a colleague's row: the effects it causes, in the open.

A user's name, unit, post and years are shown on cards and on their own page, and
whether they are active or staff decides what shared signed-in pages know of them.
A sign-in (``last_login``) or a new password writes the row too but changes nothing
shown: those paths are Django's and call nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from experiences.core.caching import pages_changed
from experiences.core.viewer_state import viewer_state_changed

if TYPE_CHECKING:
    from experiences.accounts.models import User


@transaction.atomic
def user_save(*, user: User) -> User:
    """Store ``user`` as changed by the profile form or the admin (already validated):
    cached pages and what shared pages know of them are outdated."""
    user.save()
    user_changed(user_ids=[user.pk])
    return user


def user_changed(*, user_ids: list[object]) -> None:
    """Rows of these users changed (a save, their groups, their deletion)."""
    pages_changed()
    viewer_state_changed(user_ids=user_ids)
