"""Moderation states of reflections: who publishes directly, approving, rejecting, featuring."""

from django.db import transaction
from django.utils import timezone

from .models import Reflection
from .search import search_index_reflection

MODERATE_PERMISSION = "experiences.moderate_reflection"


def user_can_moderate(*, user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


def reflection_initial_status(*, author) -> str:
    """Staff, moderators and authors with a published reflection are trusted; new accounts wait."""
    trusted = (
        author.is_staff
        or user_can_moderate(user=author)
        or author.reflections.filter(status=Reflection.Status.PUBLISHED).exists()
    )
    return Reflection.Status.PUBLISHED if trusted else Reflection.Status.PENDING


@transaction.atomic
def reflection_publish(*, reflection: Reflection) -> Reflection:
    reflection.status = Reflection.Status.PUBLISHED
    reflection.rejection_reason = ""
    reflection.published_at = reflection.published_at or timezone.now()
    reflection.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    search_index_reflection(reflection=reflection)
    return reflection


@transaction.atomic
def reflection_reject(*, reflection: Reflection, reason: str) -> Reflection:
    reflection.status = Reflection.Status.REJECTED
    reflection.rejection_reason = reason.strip()
    reflection.is_featured = False
    reflection.save(update_fields=["status", "rejection_reason", "is_featured", "updated_at"])
    search_index_reflection(reflection=reflection)
    return reflection
