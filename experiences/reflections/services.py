"""Writing reflections (心得) and 点赞: the rules, kept out of views and forms.

The search index and cached pages follow through receivers, in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from experiences.core.markdown import markdown_render, text_clean
from experiences.core.text import line_clean
from experiences.drafts.services import draft_discard
from experiences.essays.models import Principle
from experiences.reflections.models import Like, ModerationLog, PostingRecord, Reflection
from experiences.reflections.moderation import moderation_log, reflection_initial_status
from experiences.reflections.signals import reflection_liked
from experiences.tagging.services import tag_names_clean

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User
    from experiences.study.models import StudyTopic


class ReflectionRateLimited(Exception):
    """The author posted more reflections in the last hour than the limit allows."""


# Session key: the reflection a visitor tried to 点赞 before signing in.
LIKE_AFTER_LOGIN = "like_after_login"


class OwnLikeRefused(Exception):
    """Authors cannot 点赞 their own reflection."""


def posting_slot_take(*, author: User) -> None:
    """Count one more reflection against the author's hourly limit, or refuse.

    Called inside the transaction that stores the reflection. Locking the
    author's row serializes that author's concurrent posts on PostgreSQL;
    SQLite takes its write lock when the transaction begins (IMMEDIATE mode,
    see settings). So no two requests both see the last free slot.
    """
    get_user_model().objects.select_for_update().filter(pk=author.pk).exists()
    since = timezone.now() - timedelta(hours=1)
    PostingRecord.objects.filter(author=author, created_at__lt=since).delete()
    if PostingRecord.objects.filter(author=author).count() >= settings.REFLECTIONS_PER_HOUR:
        raise ReflectionRateLimited
    PostingRecord.objects.create(author=author)


def reflection_create(
    *,
    author: User,
    principle: Principle | None,
    title: str,
    body: str,
    tags: list[str],
    submission_token: uuid.UUID | None = None,
    study_topic: StudyTopic | None = None,
) -> tuple[Reflection, bool]:
    """Store a new reflection; returns (reflection, created).

    The same ``submission_token`` from the same author (a double-clicked
    submit, a resent form) returns the reflection already stored.
    """
    if submission_token is not None:
        existing = Reflection.objects.filter(
            author=author, submission_token=submission_token
        ).first()
        if existing:
            return existing, False
    status = reflection_initial_status(author=author)
    body = text_clean(body).strip()
    try:
        with transaction.atomic():
            posting_slot_take(author=author)
            reflection = Reflection.objects.create(
                author=author,
                principle=principle,
                study_topic=study_topic,
                title=line_clean(title),
                body=body,
                body_html=markdown_render(body),
                status=status,
                published_at=timezone.now() if status == Reflection.Status.PUBLISHED else None,
                submission_token=submission_token,
            )
            reflection.tags.set(tag_names_clean(tags))
            # Posted: the draft it grew from goes, in the same transaction.
            draft_discard(author=author, principle=principle)
    except IntegrityError:
        # A concurrent request with the same token won the race: return its reflection.
        existing = Reflection.objects.filter(
            author=author, submission_token=submission_token
        ).first()
        if existing is None:
            raise
        return existing, False
    return reflection, True


@transaction.atomic
def reflection_update(
    *,
    reflection: Reflection,
    principle: Principle | None,
    title: str,
    body: str,
    tags: list[str],
    study_topic: StudyTopic | None = None,
) -> Reflection:
    """The author's edit: re-rendered, timestamped; a rejected reflection goes back for review."""
    body = text_clean(body).strip()
    reflection.principle = principle
    reflection.study_topic = study_topic
    reflection.title = line_clean(title)
    reflection.body = body
    reflection.body_html = markdown_render(body)
    reflection.edited_at = timezone.now()
    if reflection.status == Reflection.Status.REJECTED:
        reflection.status = Reflection.Status.PENDING
    reflection.save()
    reflection.tags.set(tag_names_clean(tags))
    return reflection


@transaction.atomic
def reflection_moderator_edit(
    *, reflection: Reflection, moderator: User, changed: list[str]
) -> Reflection:
    """A moderator's edit in the admin: cleaned and rendered as the author's, and logged."""
    reflection.title = line_clean(reflection.title)
    reflection.body = text_clean(reflection.body).strip()
    reflection.body_html = markdown_render(reflection.body)
    reflection.save()
    moderation_log(
        actor=moderator,
        action=ModerationLog.Action.EDIT,
        reflection=reflection,
        reason="、".join(changed),
    )
    return reflection


def like_set(*, user: User, reflection: Reflection, liked: bool) -> bool:
    """Make the user's 点赞 on ``reflection`` be ``liked``; safe under concurrent requests.

    Returns whether the user likes it afterwards. The unique constraint, not
    a read-then-write, is what guarantees one 点赞 per user.
    """
    if reflection.author_id == user.pk:
        raise OwnLikeRefused
    if liked:
        try:
            with transaction.atomic():
                _, created = Like.objects.get_or_create(user=user, reflection=reflection)
                if created:
                    Reflection.objects.filter(pk=reflection.pk).update(
                        like_count=F("like_count") + 1
                    )
                    reflection_liked.send(sender=Reflection, reflection=reflection, user=user)
        except IntegrityError:
            pass  # a concurrent request created it first, and counted it
        return True
    with transaction.atomic():
        deleted, _ = Like.objects.filter(user=user, reflection=reflection).delete()
        if deleted:
            Reflection.objects.filter(pk=reflection.pk).update(like_count=F("like_count") - deleted)
    return False


def like_after_login(*, user: User, reflection_id: object) -> Reflection | None:
    """Complete the 点赞 a visitor asked for before signing in; the reflection liked, or
    None when there is nothing to do (gone, unpublished, a bad id).

    Raises OwnLikeRefused when it turns out to be their own: the visitor did not know
    whose it was, so the caller says why no 点赞 appeared instead of staying silent."""
    if not isinstance(reflection_id, int):
        return None
    reflection = Reflection.objects.published().filter(pk=reflection_id).first()
    if reflection is None:
        return None
    like_set(user=user, reflection=reflection, liked=True)
    return reflection


def like_counts_recount(*, reflections: QuerySet[Reflection] | None = None) -> None:
    """Recompute like_count from the Like rows (after bulk loads that bypass like_set)."""
    counts = (
        Like.objects.filter(reflection=OuterRef("pk"))
        .values("reflection")
        .annotate(total=Count("pk"))
        .values("total")
    )
    queryset = reflections if reflections is not None else Reflection.objects.all()
    queryset.update(like_count=Coalesce(Subquery(counts), 0))


def like_count_of(*, reflection: Reflection) -> int:
    return Reflection.objects.values_list("like_count", flat=True).get(pk=reflection.pk)
