"""What one signed-in colleague has read and bookmarked, in a constant number of queries.

Every function answers "nothing" for anonymous visitors: their pages are cached
and shared, so they must not depend on who asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from experiences.essays.models import Essay, Principle
from experiences.reading.models import Bookmark, PrincipleRead
from experiences.reflections.models import Reflection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User

    Viewer = User | AnonymousUser


@dataclass(frozen=True)
class Progress:
    """已学 ``read``/``total`` principles of one essay."""

    read: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.read >= self.total


def essays_progress(*, user: Viewer, essays: Iterable[Essay]) -> dict[int, Progress]:
    """Essay id → Progress, for the signed-in ``user`` (two queries; empty for anonymous)."""
    essay_ids = [essay.pk for essay in essays]
    if not user.is_authenticated or not essay_ids:
        return {}
    totals = dict(
        Principle.objects.filter(essay_id__in=essay_ids)
        .values("essay_id")
        .annotate(n=Count("id"))
        .values_list("essay_id", "n")
    )
    read = dict(
        PrincipleRead.objects.filter(user=user, principle__essay_id__in=essay_ids)
        .values("principle__essay_id")
        .annotate(n=Count("id"))
        .values_list("principle__essay_id", "n")
    )
    return {pk: Progress(read.get(pk, 0), totals.get(pk, 0)) for pk in essay_ids}


def principle_ids_read(*, user: Viewer, essays: Iterable[Essay]) -> frozenset[int]:
    essay_ids = [essay.pk for essay in essays]
    if not user.is_authenticated or not essay_ids:
        return frozenset()
    return frozenset(
        PrincipleRead.objects.filter(user=user, principle__essay_id__in=essay_ids).values_list(
            "principle_id", flat=True
        )
    )


def progress_of_published(*, user: User) -> list[tuple[Essay, Progress]]:
    """Every published essay with the user's progress, for their own profile page."""
    essays = list(Essay.objects.published().only("title", "slug"))
    progress = essays_progress(user=user, essays=essays)
    return [(essay, progress[essay.pk]) for essay in essays if progress[essay.pk].total]


def principle_state(*, user: Viewer, principle: Principle) -> dict[str, bool]:
    """Whether the user has read and bookmarked ``principle`` (one query)."""
    if not user.is_authenticated:
        return {}
    state = (
        Principle.objects.filter(pk=principle.pk)
        .annotate(
            is_read=Exists(PrincipleRead.objects.filter(user=user, principle=OuterRef("pk"))),
            is_bookmarked=Exists(Bookmark.objects.filter(user=user, principle=OuterRef("pk"))),
        )
        .values("is_read", "is_bookmarked")
        .first()
    )
    if state is None:
        return {}
    return {"is_read": state["is_read"], "is_bookmarked": state["is_bookmarked"]}


def reflection_bookmarked(*, user: Viewer, reflection: Reflection) -> bool:
    if not user.is_authenticated:
        return False
    return Bookmark.objects.filter(user=user, reflection=reflection).exists()


def bookmarks_visible(*, user: User) -> QuerySet[Bookmark]:
    """The user's bookmarks of what they may still see, by the models' own rules
    (``Principle.objects.readable_by``, ``Reflection.objects.visible_to``): a reflection
    withdrawn or hidden by 举报 later drops out of the list."""
    return (
        Bookmark.objects.filter(user=user)
        .filter(
            Q(principle__in=Principle.objects.readable_by(user))
            | Q(reflection__in=Reflection.objects.visible_to(user))
        )
        .select_related("principle__essay", "reflection__author", "reflection__principle__essay")
        .order_by("-created_at", "-pk")
    )
