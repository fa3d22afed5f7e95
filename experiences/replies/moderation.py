"""Moderating replies: the same trust rule as reflections, approving and rejecting, logged.
As for reflections, no moderator approves or rejects a reply they wrote.

A reply is logged against its reflection in the one moderation log, so a
moderator reads a thread's history in one place. What reflections and replies
share (states, the queue's lock, the publish and reject writes) is in
``moderation/services.py``.

Effects, called here in the writing transaction: the reflection's reply_count, the
log, the notices of a newly public reply (``reply_published_tell``), cached pages
outdated (``pages_changed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from experiences.core.caching import pages_changed
from experiences.moderation.services import item_publish, item_reject, pending_locked
from experiences.notifications.services import notification_for_reply
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import moderation_log, reflection_initial_status
from experiences.replies.models import Reply

if TYPE_CHECKING:
    from experiences.accounts.models import User


def reply_initial_status(*, author: User) -> str:
    """Whoever reflections trust (staff, moderators, published authors) or whose reply
    was published before; a new account's reply waits, as its reflection would."""
    if reflection_initial_status(author=author) == Reflection.Status.PUBLISHED:
        return Reply.Status.PUBLISHED
    if author.replies.filter(status=Reply.Status.PUBLISHED).exists():
        return Reply.Status.PUBLISHED
    return Reply.Status.PENDING


def reply_subject(reply: Reply) -> str:
    return f"回复 #{reply.pk}\uff08{reply.author}\uff09\uff1a{reply.excerpt}"[:300]


def reply_count_refresh(*, reflection_id: int) -> None:
    """Make the reflection's reply_count the number of its public replies (one UPDATE)."""
    public = (
        Reply.objects.published()
        .filter(reflection=OuterRef("pk"))
        .values("reflection")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Reflection.objects.filter(pk=reflection_id).update(reply_count=Coalesce(Subquery(public), 0))


def reply_published_tell(*, reply: Reply) -> None:
    """A reply became public (posted by a trusted author, or approved): the reflection's
    author hears of it, and so does the author of the reply it quotes; once each.
    Called inside the writing transaction, so a notice (and its mail in the outbox)
    exists exactly when the reply was committed. Not for edits, nor when a reply
    hidden by 举报 is kept (it was public before)."""
    reflection = reply.reflection
    recipients = {reflection.author_id: reflection.author}
    if reply.quoted is not None:
        recipients.setdefault(reply.quoted.author_id, reply.quoted.author)
    for recipient in recipients.values():
        notification_for_reply(
            reply_author=reply.author,
            recipient=recipient,
            reflection=reflection,
            reply_url=reply.get_absolute_url(),
            excerpt=reply.excerpt,
        )


@transaction.atomic
def reply_publish(*, reply: Reply, moderator: User | None = None) -> Reply:
    """Publish a reply; a moderator never approves their own (``SelfReviewRefused``)."""
    was_public = reply.is_public
    item_publish(item=reply, moderator=moderator)
    reply_count_refresh(reflection_id=reply.reflection_id)
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.APPROVE,
            reflection=reply.reflection,
            subject=reply_subject(reply),
        )
    if reply.is_public and not was_public:
        reply_published_tell(reply=reply)
    pages_changed()
    return reply


@transaction.atomic
def reply_reject(*, reply: Reply, reason: str, moderator: User | None = None) -> Reply:
    """Reject a reply; a moderator never reviews their own (``SelfReviewRefused``)."""
    item_reject(item=reply, reason=reason, moderator=moderator)
    reply_count_refresh(reflection_id=reply.reflection_id)
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.REJECT,
            reflection=reply.reflection,
            subject=reply_subject(reply),
            reason=reason,
        )
    pages_changed()
    return reply


@transaction.atomic
def pending_reply_decide(
    *, reply_id: int, approve: bool, moderator: User, reason: str = ""
) -> Reply | None:
    """Approve or reject one pending reply from its review page. The row is locked
    first: a second moderator (or a second press) finds it no longer pending and
    changes nothing (None). Never one's own (``SelfReviewRefused``)."""
    reply = pending_locked(model=Reply, pk=reply_id)
    if reply is None:
        return None
    if approve:
        return reply_publish(reply=reply, moderator=moderator)
    return reply_reject(reply=reply, reason=reason, moderator=moderator)
