"""Saving and discarding drafts: cleaned as reflections are, one row per person and principle.

Autosave sends the same draft every few seconds, possibly from two tabs at once:
the save is an update-or-create that the unique constraints make safe. A draft's
coming and going changes whether a shared signed-in page is the author's to share
(``viewer_state_changed``, theirs); an update of its text changes nothing there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from experiences.core.markdown import text_clean
from experiences.core.text import line_clean
from experiences.core.viewer_state import viewer_state_changed
from experiences.drafts.models import (
    DRAFT_BODY_MAX_LENGTH,
    DRAFT_TAGS_MAX_LENGTH,
    DRAFT_TITLE_MAX_LENGTH,
    Draft,
)

if TYPE_CHECKING:
    from experiences.accounts.models import User
    from experiences.essays.models import Principle


class DraftTooLong(Exception):
    """Even a draft has a bound (four times what may be posted)."""


# Whether ``(author id, submission token)`` was already posted: asked by the autosave
# view, answered by the domains that post from a draft (reflections, above drafts,
# registers its check from its ``receivers_connect``).
PostedCheck = Callable[[int, uuid.UUID], bool]
_posted_checks: list[PostedCheck] = []


def posted_check_register(check: PostedCheck) -> None:
    """Add a check (once: registering the same function again changes nothing)."""
    if check not in _posted_checks:
        _posted_checks.append(check)


def draft_was_posted(*, author_id: int | None, token: uuid.UUID) -> bool:
    """Whether the form this draft belongs to was already posted with ``token``."""
    if author_id is None:
        return False
    return any(check(author_id, token) for check in _posted_checks)


def draft_save(
    *, author: User, principle: Principle | None, title: str, body: str, tags: str
) -> Draft | None:
    """Store the author's draft for ``principle``; an empty one is discarded (returns None)."""
    title = line_clean(title)
    body = text_clean(body)
    tags = line_clean(tags)
    if (
        len(title) > DRAFT_TITLE_MAX_LENGTH
        or len(body) > DRAFT_BODY_MAX_LENGTH
        or len(tags) > DRAFT_TAGS_MAX_LENGTH
    ):
        raise DraftTooLong
    if not (title or body.strip() or tags):
        draft_discard(author=author, principle=principle)
        return None
    fields = {"title": title, "body": body, "tags": tags}
    with transaction.atomic():
        drafts = Draft.objects.filter(author=author, principle=principle)
        if drafts.update(**fields, updated_at=timezone.now()):
            return drafts.get()
        try:
            with transaction.atomic():
                draft = Draft.objects.create(author=author, principle=principle, **fields)
                viewer_state_changed(user_ids=[author.pk])
                return draft
        except IntegrityError:
            # Another tab created it between our update and insert: update that one.
            drafts.update(**fields, updated_at=timezone.now())
            return drafts.get()


def draft_discard(*, author: User, principle: Principle | None) -> int:
    """Forget the author's draft for ``principle`` (posting it, or emptying the form)."""
    deleted, _ = Draft.objects.filter(author=author, principle=principle).delete()
    if deleted:
        viewer_state_changed(user_ids=[author.pk])
    return deleted


def draft_delete(*, draft: Draft) -> None:
    draft.delete()
    viewer_state_changed(user_ids=[draft.author_id])
