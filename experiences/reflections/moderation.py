"""Moderating reflections: who publishes directly, approving, rejecting, featuring, and the
log of it all.

The rules reflections share with replies (nobody reviews their own work, the pending
queue's lock, the publish and reject writes, the posting limit) are in
``moderation/services.py``; this module adds what is a reflection's own: featuring,
the log's subject and the author's notice.

Effects, each called here in the transaction of the decision: the moderation log,
the author's notice (with its mail in the outbox, committed or rolled back with the
decision) and cached pages outdated (``pages_changed``). The search index follows
the row's save through its receivers: search imports reflections, never the other
way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from experiences.core.caching import pages_changed
from experiences.moderation.services import (
    item_publish,
    item_reject,
    pending_locked,
    review_self_check,
    user_can_moderate,
)
from experiences.notifications.services import notification_for_reflection_moderated
from experiences.reflections.models import ModerationLog, Reflection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User


def reflection_initial_status(*, author: User) -> str:
    """Staff, moderators and authors with a published reflection are trusted; new accounts wait."""
    trusted = (
        author.is_staff
        or user_can_moderate(user=author)
        or author.reflections.filter(status=Reflection.Status.PUBLISHED).exists()
    )
    return Reflection.Status.PUBLISHED if trusted else Reflection.Status.PENDING


# How the log's subject names a reflection itself; a reply logged against its
# reflection is named "回复 #…" (replies/moderation.py). The data export tells them apart.
REFLECTION_SUBJECT_PREFIX = "心得 #"


def reflection_subject(reflection: Reflection) -> str:
    title = f"《{reflection.display_title}》"
    return f"{REFLECTION_SUBJECT_PREFIX}{reflection.pk}{title}\uff08{reflection.author}\uff09"


def moderation_log(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    reflection: Reflection | None = None,
    subject: str = "",
    reason: str = "",
) -> ModerationLog:
    return ModerationLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        reflection=reflection,
        subject=subject or (reflection_subject(reflection) if reflection else ""),
        reason=reason,
    )


@transaction.atomic
def reflection_publish(*, reflection: Reflection, moderator: User | None = None) -> Reflection:
    was_published = reflection.status == Reflection.Status.PUBLISHED
    item_publish(item=reflection, moderator=moderator, also=["updated_at"])
    if moderator is not None:
        moderation_log(actor=moderator, action=ModerationLog.Action.APPROVE, reflection=reflection)
    if not was_published:
        notification_for_reflection_moderated(reflection=reflection, approved=True)
    pages_changed()
    return reflection


@transaction.atomic
def reflection_reject(
    *, reflection: Reflection, reason: str, moderator: User | None = None
) -> Reflection:
    reflection.is_featured = False
    item_reject(
        item=reflection, reason=reason, moderator=moderator, also=["is_featured", "updated_at"]
    )
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.REJECT,
            reflection=reflection,
            reason=reason,
        )
    notification_for_reflection_moderated(
        reflection=reflection, approved=False, reason=reflection.rejection_reason
    )
    pages_changed()
    return reflection


@transaction.atomic
def reflection_feature(*, reflection: Reflection, featured: bool, moderator: User) -> bool:
    """Feature a published reflection (shown first on its principle and the home page).
    Not one's own: featuring is a review. Taking one's own off the list is allowed."""
    if featured:
        review_self_check(moderator=moderator, author_id=reflection.author_id)
    if featured and reflection.status != Reflection.Status.PUBLISHED:
        return False
    if reflection.is_featured == featured:
        return False
    reflection.is_featured = featured
    reflection.save(update_fields=["is_featured", "updated_at"])
    action = ModerationLog.Action.FEATURE if featured else ModerationLog.Action.UNFEATURE
    moderation_log(actor=moderator, action=action, reflection=reflection)
    pages_changed()
    return True


class Decision:
    """What a moderator can decide on a queue item's own page, in one click."""

    APPROVE = "approve"
    FEATURE = "feature"  # approve and feature
    REJECT = "reject"
    ALL = (APPROVE, FEATURE, REJECT)


@transaction.atomic
def pending_reflection_decide(
    *, reflection_id: int, decision: str, moderator: User, reason: str = ""
) -> Reflection | None:
    """Approve, approve-and-feature or reject one pending reflection, logged as the list
    actions are. The row is locked first: when two moderators decide at once, or a button
    is pressed twice, the second finds it no longer pending and changes nothing (None)."""
    if decision not in Decision.ALL:
        raise ValueError(decision)
    reflection = pending_locked(model=Reflection, pk=reflection_id)
    if reflection is None:
        return None
    review_self_check(moderator=moderator, author_id=reflection.author_id)
    if decision == Decision.REJECT:
        return reflection_reject(reflection=reflection, reason=reason, moderator=moderator)
    reflection_publish(reflection=reflection, moderator=moderator)
    if decision == Decision.FEATURE:
        reflection_feature(reflection=reflection, featured=True, moderator=moderator)
    return reflection
