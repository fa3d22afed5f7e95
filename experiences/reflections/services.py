"""Writing reflections (心得) and 点赞: the rules, kept out of views and forms.

Effects in the open: the posting limit (moderation), the draft discarded, the liked
author's notice, cached pages outdated (``pages_changed``), each in the writing
transaction. The search index follows the rows' saves through receivers, in the same
transaction: search imports reflections (not the reverse).
The open 举报 of a deleted reflection close through the flags domain's receiver.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from experiences.core.caching import pages_changed
from experiences.core.markdown import markdown_render, text_clean
from experiences.core.text import line_clean
from experiences.drafts.services import draft_discard
from experiences.essays.models import Principle
from experiences.moderation.services import REFLECTION_POSTING, posting_slot_take
from experiences.notifications.services import notification_for_like
from experiences.reflections.models import Like, ModerationLog, Reflection
from experiences.reflections.moderation import moderation_log, reflection_initial_status
from experiences.tagging.services import tag_names_clean

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User


# Session key: the reflection a visitor tried to 点赞 before signing in.
LIKE_AFTER_LOGIN = "like_after_login"


class OwnLikeRefused(Exception):
    """Authors cannot 点赞 their own reflection."""


def reflection_create(
    *,
    author: User,
    principle: Principle | None,
    title: str,
    body: str,
    tags: list[str],
    submission_token: uuid.UUID | None = None,
    study_topic: Model | None = None,
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
            posting_slot_take(author=author, limit=REFLECTION_POSTING)
            reflection = Reflection.objects.create(
                author=author,
                principle=principle,
                study_topic_id=study_topic.pk if study_topic else None,
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
            pages_changed()
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
    study_topic: Model | None = None,
) -> Reflection:
    """The author's edit: re-rendered, timestamped; a rejected reflection goes back for review."""
    body = text_clean(body).strip()
    reflection.principle = principle
    # A 学习专题 (study, above reflections: the form's part offers only open ones).
    reflection.study_topic_id = study_topic.pk if study_topic else None
    reflection.title = line_clean(title)
    reflection.body = body
    reflection.body_html = markdown_render(body)
    reflection.edited_at = timezone.now()
    if reflection.status == Reflection.Status.REJECTED:
        reflection.status = Reflection.Status.PENDING
    reflection.save()
    reflection.tags.set(tag_names_clean(tags))
    pages_changed()
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
    pages_changed()
    return reflection


@transaction.atomic
def reflection_delete(*, reflection: Reflection, moderator: User | None = None) -> None:
    """Delete a reflection: its author's, or a moderator's (logged first, so the log keeps
    its subject). The one way a reflection is deleted: the author's page and the admin's
    delete and bulk delete all come here.

    Its replies, 点赞, tags and search documents go with it (cascades). Its open 举报
    close, telling each reader, through the flags domain's ``pre_delete`` receiver:
    flags sit above reflections and cascaded deletions (a colleague's account) need
    it too."""
    if moderator is not None:
        moderation_log(actor=moderator, action=ModerationLog.Action.DELETE, reflection=reflection)
    reflection.delete()
    pages_changed()


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
                    notification_for_like(reflection=reflection, liker=user)
                    pages_changed()
        except IntegrityError:
            pass  # a concurrent request created it first, and counted it
        return True
    with transaction.atomic():
        deleted, _ = Like.objects.filter(user=user, reflection=reflection).delete()
        if deleted:
            Reflection.objects.filter(pk=reflection.pk).update(like_count=F("like_count") - deleted)
            pages_changed()
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
    pages_changed()


def like_count_of(*, reflection: Reflection) -> int:
    return Reflection.objects.values_list("like_count", flat=True).get(pk=reflection.pk)
