"""Signal receivers: the reflections domain announces moderation and 点赞; authors are told.

Receivers run inside the sender's transaction, so a notification exists exactly when
what it tells of was committed.
"""

from typing import Any

from experiences.notifications.services import (
    notification_for_like,
    notification_for_reflection_moderated,
)
from experiences.reflections.signals import reflection_liked, reflection_moderated


def reflection_was_moderated(
    sender: Any, reflection: Any, approved: bool, reason: str = "", **kwargs: Any
) -> None:
    notification_for_reflection_moderated(reflection=reflection, approved=approved, reason=reason)


def reflection_was_liked(sender: Any, reflection: Any, **kwargs: Any) -> None:
    notification_for_like(reflection=reflection)


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    reflection_moderated.connect(reflection_was_moderated, dispatch_uid="notify-moderated")
    reflection_liked.connect(reflection_was_liked, dispatch_uid="notify-liked")
