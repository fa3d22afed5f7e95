"""The header's unread count on signed-in pages shared by colleagues (core/shared_pages.py).

The shared copy of a page holds a marker where the count goes; each request fills
it with its own viewer's count, kept with the viewer's facts (``per_version``) and
looked up again after any write of their notifications (services.py moves their
viewer state version): no query on most requests.
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from experiences.core.shared_pages import Key, ViewerBit, viewer_bit_register
from experiences.notifications.selectors import unread_count_of


def _badge(count: int) -> str:
    return _badge_for(int(count), get_language())


@functools.lru_cache(maxsize=256)
def _badge_for(count: int, language: str | None) -> str:
    # The same few counts on every request: rendered once per count and language.
    return render_to_string("notifications/unread_badge.html", {"count": count})


def _lookup(request: HttpRequest, keys: list[Key]) -> int:
    user: Any = request.user
    if not user.is_authenticated:
        return 0
    return unread_count_of(user=user)


def _html(request: HttpRequest, key: Key, found: int) -> str:
    return _badge(found)


def _direct(request: HttpRequest | None, count: Any) -> str:
    """A page rendered for its viewer: the count from the context processor (lazy)."""
    # The count is the context processor's lazy object here: rendered as it comes.
    return render_to_string("notifications/unread_badge.html", {"count": count}) if count else ""


def register() -> None:
    viewer_bit_register(
        "unread",
        ViewerBit(
            key=lambda obj: (),
            lookup=_lookup,
            html=_html,
            direct=_direct,
            per_version=True,
        ),
    )
