"""Signal receivers: moderation, 点赞, replies and 举报 outcomes; the people concerned are told.

Receivers run inside the sender's transaction, so a notification exists exactly when
what it tells of was committed.
"""

from typing import Any

from django.urls import reverse

from experiences.flags.models import Flag
from experiences.flags.signals import flag_resolved
from experiences.notifications.services import (
    notification_for_flag_outcome,
    notification_for_like,
    notification_for_reflection_moderated,
    notification_for_reply,
)
from experiences.reflections.signals import reflection_liked, reflection_moderated
from experiences.replies.signals import reply_published


def reflection_was_moderated(
    sender: Any, reflection: Any, approved: bool, reason: str = "", **kwargs: Any
) -> None:
    notification_for_reflection_moderated(reflection=reflection, approved=approved, reason=reason)


def reflection_was_liked(sender: Any, reflection: Any, user: Any, **kwargs: Any) -> None:
    notification_for_like(reflection=reflection, liker=user)


def reply_was_published(sender: Any, reply: Any, **kwargs: Any) -> None:
    """The reflection's author hears of a reply, and so does the author of a quoted reply."""
    reflection = reply.reflection
    recipients = {reflection.author_id: reflection.author}
    if reply.quoted_id is not None:
        recipients.setdefault(reply.quoted.author_id, reply.quoted.author)
    for recipient in recipients.values():
        notification_for_reply(
            reply_author=reply.author,
            recipient=recipient,
            reflection=reflection,
            reply_url=reply.get_absolute_url(),
            excerpt=reply.excerpt,
        )


def flag_was_resolved(sender: Any, flag: Any, outcome: str, **kwargs: Any) -> None:
    """The reader who flagged learns the outcome; 我的举报 keeps the whole record."""
    notification_for_flag_outcome(
        recipient=flag.reporter,
        subject=flag.subject,
        upheld=outcome != Flag.Outcome.KEPT,
        url=reverse("experiences:flag_list"),
    )


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    reflection_moderated.connect(reflection_was_moderated, dispatch_uid="notify-moderated")
    reflection_liked.connect(reflection_was_liked, dispatch_uid="notify-liked")
    reply_published.connect(reply_was_published, dispatch_uid="notify-reply")
    flag_resolved.connect(flag_was_resolved, dispatch_uid="notify-flag-outcome")
