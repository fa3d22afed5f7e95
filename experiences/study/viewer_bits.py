"""The header's 管理 and 工作台 links (issue 27, item 10), for those who have them.

Signed-in pages are shared by colleagues (core/shared_pages.py): asking the
template about ``user.is_staff`` would render every page per viewer. The links are
a viewer bit instead: a marker in the shared copy, filled per request. Whether a
staff viewer may open the dashboard is one query, kept with the viewer's facts for
the page (``per_version``): a change of their groups, permissions or unit bumps their
state version, so the link follows a role given or taken on the next request.
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from experiences.core.shared_pages import Key, ViewerBit, viewer_bit_register
from experiences.study.access import may_use_dashboard


def _links(user: Any) -> tuple[bool, bool]:
    """(管理, 工作台). Only staff are asked about the dashboard: every role given with
    ``grant_role`` is staff, and a colleague's page costs no query for a link they
    never have (an organiser who is not staff finds 进入工作台 on their home page)."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False, False
    return True, may_use_dashboard(user)


@functools.lru_cache(maxsize=16)
def _html_for(admin: bool, dashboard: bool, language: str | None) -> str:
    # Four possible bits per language: rendered once each.
    return render_to_string(
        "study/includes/header_links.html", {"admin": admin, "dashboard": dashboard}
    )


def _lookup(request: HttpRequest, keys: list[Key]) -> tuple[bool, bool]:
    return _links(request.user)


def _html(request: HttpRequest, key: Key, found: tuple[bool, bool]) -> str:
    return _html_for(*found, get_language())


def _direct(request: HttpRequest | None, obj: Any) -> str:
    if request is None:
        return ""
    return _html_for(*_links(request.user), get_language())


def register() -> None:
    viewer_bit_register(
        "staff-links",
        ViewerBit(key=lambda obj: (), lookup=_lookup, html=_html, direct=_direct, per_version=True),
    )
