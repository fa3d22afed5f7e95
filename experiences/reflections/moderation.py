"""Moderation: who publishes directly, approving, rejecting, featuring, and the log of it all.

Nobody reviews their own work: a moderator who approves, rejects or features a
reflection they wrote is refused (``SelfReviewRefused``), here and for replies and
举报 alike; the admin leaves such items to another moderator and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.signals import reflection_moderated

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User

MODERATE_PERMISSION = "experiences.moderate_reflection"


class SelfReviewRefused(Exception):
    """A moderator tried to review (approve, reject, feature, clear 举报) their own item."""


def review_self_check(*, moderator: User | AnonymousUser | None, author_id: int | None) -> None:
    """Refuse a review of the moderator's own item; a system decision (no moderator) passes."""
    if moderator is not None and moderator.pk is not None and moderator.pk == author_id:
        raise SelfReviewRefused


def user_can_moderate(*, user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


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
    review_self_check(moderator=moderator, author_id=reflection.author_id)
    was_published = reflection.status == Reflection.Status.PUBLISHED
    reflection.status = Reflection.Status.PUBLISHED
    reflection.rejection_reason = ""
    reflection.published_at = reflection.published_at or timezone.now()
    reflection.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    if moderator is not None:
        moderation_log(actor=moderator, action=ModerationLog.Action.APPROVE, reflection=reflection)
    if not was_published:
        reflection_moderated.send(
            sender=Reflection, reflection=reflection, approved=True, reason="", moderator=moderator
        )
    return reflection


@transaction.atomic
def reflection_reject(
    *, reflection: Reflection, reason: str, moderator: User | None = None
) -> Reflection:
    review_self_check(moderator=moderator, author_id=reflection.author_id)
    reflection.status = Reflection.Status.REJECTED
    reflection.rejection_reason = reason.strip()
    reflection.is_featured = False
    reflection.save(update_fields=["status", "rejection_reason", "is_featured", "updated_at"])
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.REJECT,
            reflection=reflection,
            reason=reason,
        )
    reflection_moderated.send(
        sender=Reflection,
        reflection=reflection,
        approved=False,
        reason=reflection.rejection_reason,
        moderator=moderator,
    )
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
    reflection = (
        Reflection.objects.select_for_update()
        .filter(pk=reflection_id, status=Reflection.Status.PENDING)
        .first()
    )
    if reflection is None:
        return None
    review_self_check(moderator=moderator, author_id=reflection.author_id)
    if decision == Decision.REJECT:
        return reflection_reject(reflection=reflection, reason=reason, moderator=moderator)
    reflection_publish(reflection=reflection, moderator=moderator)
    if decision == Decision.FEATURE:
        reflection_feature(reflection=reflection, featured=True, moderator=moderator)
    return reflection
