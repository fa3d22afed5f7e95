"""Writing replies (回复): the rules, kept out of views and forms.

Every write keeps the reflection's reply_count equal to its public replies in the
same transaction, and outdates cached pages (``pages_changed``), so cached cards show
the new count.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from experiences.core.caching import pages_changed
from experiences.core.markdown import markdown_render, text_clean
from experiences.moderation.services import REPLY_POSTING, posting_slot_take
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import moderation_log
from experiences.replies.models import Reply
from experiences.replies.moderation import (
    reply_count_refresh,
    reply_initial_status,
    reply_published_tell,
    reply_subject,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User


class ReplyClosed(Exception):
    """The reflection is not public (pending, rejected or hidden): nobody can reply."""


def quotable_replies(*, reflection: Reflection) -> QuerySet[Reply]:
    """Replies one may quote: the reflection's public ones (never a hidden one's words)."""
    return Reply.objects.published().filter(reflection=reflection)


def reply_create(
    *,
    author: User,
    reflection: Reflection,
    body: str,
    quoted: Reply | None = None,
    submission_token: uuid.UUID | None = None,
) -> tuple[Reply, bool]:
    """Store a new reply; returns (reply, created). The same token returns the stored one."""
    if submission_token is not None:
        existing = Reply.objects.filter(author=author, submission_token=submission_token).first()
        if existing:
            return existing, False
    if not Reflection.objects.published().filter(pk=reflection.pk).exists():
        raise ReplyClosed
    if quoted is not None and not quotable_replies(reflection=reflection).filter(pk=quoted.pk):
        quoted = None
    status = reply_initial_status(author=author)
    body = text_clean(body).strip()
    try:
        with transaction.atomic():
            posting_slot_take(author=author, limit=REPLY_POSTING)
            reply = Reply.objects.create(
                reflection=reflection,
                author=author,
                quoted=quoted,
                body=body,
                body_html=markdown_render(body),
                status=status,
                published_at=timezone.now() if status == Reply.Status.PUBLISHED else None,
                submission_token=submission_token,
            )
            if reply.is_public:
                reply_count_refresh(reflection_id=reflection.pk)
                reply_published_tell(reply=reply)
            pages_changed()
    except IntegrityError:
        existing = Reply.objects.filter(author=author, submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return reply, True


@transaction.atomic
def reply_update(*, reply: Reply, body: str) -> Reply:
    """The author's edit: re-rendered, timestamped; a rejected reply goes back for review."""
    body = text_clean(body).strip()
    reply.body = body
    reply.body_html = markdown_render(body)
    reply.edited_at = timezone.now()
    if reply.status == Reply.Status.REJECTED:
        reply.status = Reply.Status.PENDING
    reply.save()
    reply_count_refresh(reflection_id=reply.reflection_id)
    pages_changed()
    return reply


@transaction.atomic
def reply_moderator_edit(*, reply: Reply, moderator: User, changed: list[str]) -> Reply:
    """A moderator's edit in the admin: cleaned and rendered as the author's, and logged."""
    reply.body = text_clean(reply.body).strip()
    reply.body_html = markdown_render(reply.body)
    reply.save()
    moderation_log(
        actor=moderator,
        action=ModerationLog.Action.EDIT,
        reflection=reply.reflection,
        subject=reply_subject(reply),
        reason="、".join(changed),
    )
    pages_changed()
    return reply


@transaction.atomic
def reply_delete(*, reply: Reply, moderator: User | None = None) -> None:
    """Delete a reply (its author, or a moderator: logged); the count follows."""
    reflection_id = reply.reflection_id
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.DELETE,
            reflection=reply.reflection,
            subject=reply_subject(reply),
        )
    reply.delete()
    reply_count_refresh(reflection_id=reflection_id)
    pages_changed()
