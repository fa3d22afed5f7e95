"""A principle's 已学 and 收藏 for its viewer, on principle pages shared by colleagues.

Whether a colleague has read or bookmarked a principle changes with no new content
version, so it is never kept in a shared page: the page holds a marker
(core/shared_pages.py), the state is looked up (one query) and kept with the viewer's
facts until a 已学 mark or 收藏 of theirs bumps their viewer state version (apps.py), and
each request renders ``reading/principle_actions_state.html`` for that viewer, with
their CSRF token.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from experiences.core.shared_pages import Key, ViewerBit, page_csrf_token, viewer_bit_register
from experiences.essays.models import Principle
from experiences.reading.selectors import principle_state


def _render(request: HttpRequest, principle: Principle, reading: dict[str, bool]) -> str:
    # No context processors: the viewer, the request and the page's one CSRF token only.
    context = {
        "principle": principle,
        "reading": reading,
        "user": request.user,
        "request": request,
        "csrf_token": page_csrf_token(request),
    }
    return render_to_string("reading/principle_actions_state.html", context)


def _key(principle: Any) -> Key:
    return (str(principle.pk),)


def _lookup(request: HttpRequest, keys: list[Key]) -> dict[Key, dict[str, bool]]:
    # One principle per page: one query (a stand-in carries the id, all the query needs).
    return {
        key: principle_state(user=request.user, principle=Principle(pk=int(key[0])))
        for key in set(keys)
    }


_CSRF = "kb-reading-csrf-stand-in"


class _PageOf:
    """The request as the template reads it on a shared fill: its path only."""

    def __init__(self, path: str) -> None:
        self.path = path

    def get_full_path(self) -> str:
        return self.path


@functools.lru_cache(maxsize=512)
def _state_template(pk: int, read: bool, bookmarked: bool, path: str, language: str | None) -> str:
    # Rendered once per state, page and language per process; the CSRF token goes in after.
    context = {
        "principle": Principle(pk=pk),
        "reading": {"is_read": read, "is_bookmarked": bookmarked},
        "user": SimpleNamespace(is_authenticated=True),
        "request": _PageOf(path),
        "csrf_token": _CSRF,
    }
    return render_to_string("reading/principle_actions_state.html", context)


def _html(request: HttpRequest, key: Key, found: dict[Key, dict[str, bool]]) -> str:
    reading = found[key]
    if not reading:  # no such principle (a page rendered as it was deleted)
        return _render(request, Principle(pk=int(key[0])), reading)
    html = _state_template(
        int(key[0]),
        reading["is_read"],
        reading["is_bookmarked"],
        request.get_full_path(),
        get_language(),
    )
    return html.replace(_CSRF, escape(page_csrf_token(request)))


def _direct(request: HttpRequest | None, principle: Any) -> str:
    """A page rendered for its viewer (signed in: the including template checks)."""
    if request is None:
        return ""
    return _render(request, principle, principle_state(user=request.user, principle=principle))


def register() -> None:
    viewer_bit_register(
        "principle-reading",
        ViewerBit(key=_key, lookup=_lookup, html=_html, direct=_direct, per_version=True),
    )
