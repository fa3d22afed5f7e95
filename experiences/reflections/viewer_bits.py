"""The 点赞 button's per-viewer part: liked or not, or the viewer's own reflection.

On a shared signed-in page (core/shared_pages.py) every card's button is a
marker keyed by (reflection, author, 点赞 count); one query finds which of the
page's reflections this viewer has liked, and each marker becomes
``includes/like_state.html`` for that state. The template is rendered once per
state and language per process (with a stand-in for the count), so filling 20
cards costs string replacement, not 20 template renders.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from experiences.core.shared_pages import Key, ViewerBit, viewer_bit_register
from experiences.reflections.models import Like

_COUNT = "kb-like-count-stand-in"


@functools.cache
def _state_template(liked: bool, own: bool, language: str | None) -> str:
    return render_to_string(
        "includes/like_state.html", {"liked": liked, "own": own, "like_count": _COUNT}
    )


def like_state_html(*, liked: bool, own: bool, count: int) -> str:
    return _state_template(liked, own, get_language()).replace(_COUNT, str(int(count)))


def _key(reflection: Any) -> Key:
    return (str(reflection.pk), str(reflection.author_id), str(reflection.like_count))


def _viewer_id(request: HttpRequest | None) -> int | None:
    if request is None:
        return None
    user: Any = request.user
    return user.pk if user.is_authenticated else None


class _Found:
    """What one page's 点赞 buttons need: the viewer, what they liked, each state's HTML."""

    def __init__(self, viewer: int | None, liked: set[str]) -> None:
        self.viewer = "" if viewer is None else str(viewer)
        self.liked = liked
        self.language = get_language()

    def html(self, *, liked: bool, own: bool, count: str) -> str:
        return _state_template(liked, own, self.language).replace(_COUNT, count)


def _lookup(request: HttpRequest, keys: list[Key]) -> _Found:
    return _Found(_viewer_id(request), _liked_among(request, keys))


def _liked_among(request: HttpRequest, keys: list[Key]) -> set[str]:
    """The page's reflections this viewer has liked: one query, whatever the page size.

    Written out: built through the ORM the query took longer to compile than to run,
    and it runs on every signed-in request (the unique index on (user, reflection)
    answers it).
    """
    viewer = _viewer_id(request)
    ids = sorted({int(key[0]) for key in keys})
    if viewer is None or not ids:
        return set()
    quote = connection.ops.quote_name
    table, user, reflection = (
        quote(Like._meta.db_table),
        quote(Like._meta.get_field("user").column),
        quote(Like._meta.get_field("reflection").column),
    )
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {reflection} FROM {table} WHERE {user} = %s "  # noqa: S608 (names from the model, values as parameters)
            f"AND {reflection} IN ({placeholders})",
            [viewer, *ids],
        )
        return {str(row[0]) for row in cursor.fetchall()}


def _html(request: HttpRequest, key: Key, found: _Found) -> str:
    pk, author, count = key
    return found.html(liked=pk in found.liked, own=found.viewer == author, count=str(int(count)))


def _direct(request: HttpRequest | None, reflection: Any) -> str:
    """A page rendered for its viewer: the state comes with the reflection (for_listing)."""
    return like_state_html(
        liked=bool(getattr(reflection, "liked_by_viewer", False)),
        own=_viewer_id(request) == reflection.author_id,
        count=reflection.like_count,
    )


def register() -> None:
    viewer_bit_register(
        "like", ViewerBit(key=_key, lookup=_lookup, html=_html, direct=_direct, per_version=True)
    )
