"""Signed-in pages rendered once per content version and shared by every colleague.

A signed-in page differs from its anonymous twin only in a few *viewer bits*:
the nav's link to the viewer's own page, CSRF tokens, a fresh submission token
for the reflection form, and each card's 点赞 state (liked, or the viewer's own
reflection). Rendering the whole page for every request cost 20–60 ms of
templates; so a page that opts in (``SignedInPageCacheMixin``) is rendered once
per content version for a stand-in viewer, with an unforgeable marker where each
viewer bit goes, stored like anonymous pages (in the shared cache with the
content version it was rendered under, for PAGE_CACHE_SECONDS at most), and each
request fills the markers for its own viewer from the viewer's facts (below) or,
where they are not known yet, one query per kind of bit for the whole page.

What may not be traded, and how it holds:

- *A change by anyone shows on everyone's next request, on any server*: the
  stored page carries the content version it was rendered under, exactly as
  anonymous pages do (``caching.py``).
- *No viewer's bit reaches another viewer*: the stored page holds markers only
  (no CSRF token, no name, no 点赞 state); markers are filled per request from
  that request's own user. A marker embeds a digest of SECRET_KEY, so text a
  user writes can never contain one.
- *A template may read ``user`` anywhere*: the stand-in viewer records any
  attribute it does not know (``user.is_staff``, ``perms.…``); such a page is
  marked unshareable and rendered per request.

*What is known of a viewer on a page* (shares it or not, 点赞, 已学, 收藏, the
unread count) is kept under the content version and the viewer state versions
(core/viewer_state.py). A hit reads the version, the shared copy, the viewer's
facts and their state versions in one round trip.

Adding a viewer bit (e.g. a per-card "edit" link for the author): register a
filler with ``viewer_bit_register`` (key from the object, one batched lookup for
the page's keys, the HTML for one key), and write ``{% viewer_bit "name" obj %}``
in the template (``experiences/templatetags/viewer.py``). A *per-card* bit that
is the same for every viewer (a reply count) needs nothing: it is part of the
shared page, refreshed by the content version like everything else.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from experiences.core.caching import (
    VERSION_KEY,
    AnonymousPageCacheMixin,
    _page_key,
    caching_on,
    counter_value,
    counters_announce,
    page_params_keep,
)
from experiences.core.stand_in import StandIn
from experiences.core.viewer_state import viewer_stamp, viewer_state_keys

logger = logging.getLogger(__name__)

# Set on the request while the shared copy of a page renders.
_SHARED = "_kb_shared_render"


Key = tuple[str, ...]


@functools.cache
def _prefix_for(secret: str) -> str:
    return "kbv" + hashlib.sha256(f"viewer-bits:{secret}".encode()).hexdigest()[:16]


def _prefix() -> str:
    """Derived from SECRET_KEY: the same on every app server, unknown to anyone writing text."""
    return _prefix_for(settings.SECRET_KEY)


@functools.cache
def _pattern_for(prefix: str) -> re.Pattern[bytes]:
    return re.compile(re.escape(prefix).encode() + rb"\.([a-z][a-z-]*)((?:\.[0-9A-Za-z-]+)*)_")


def marker(name: str, *args: object) -> SafeString:
    """The placeholder for viewer bit ``name`` with ``args`` (digits, letters and -)."""
    parts = "".join(f".{arg}" for arg in args)
    if not re.fullmatch(r"(?:\.[0-9A-Za-z-]+)*", parts):
        raise ValueError(f"viewer bit arguments must be digits, letters or -: {args!r}")
    return mark_safe(f"{_prefix()}.{name}{parts}_")  # noqa: S308 (letters, digits, . - _ only)


@dataclass(frozen=True)
class ViewerBit:
    """How one kind of viewer bit is keyed, looked up once per page, and shown.

    ``key(obj)``: the marker's arguments, from the object the template passes.
    ``lookup(request, keys)``: everything the page's keys need, at most one query.
    ``html(request, key, found)``: the HTML for one key (escaped by the bit).
    ``direct(request, obj)``: the HTML when the page is rendered for its viewer (the
    request is None when a template is rendered without one: no viewer).
    ``per_version``: the lookup depends only on the viewer, the page, what pages show
    and what bumps a viewer state version, so it is kept with the viewer's facts and
    reused until any such change (a 点赞 included). The CSRF token is not.
    """

    key: Callable[[Any], Key]
    lookup: Callable[[HttpRequest, list[Key]], Any]
    html: Callable[[HttpRequest, Key, Any], str]
    direct: Callable[[HttpRequest | None, Any], str]
    per_version: bool = False


_bits: dict[str, ViewerBit] = {}


def viewer_bit_register(name: str, bit: ViewerBit) -> None:
    _bits[name] = bit


def _no_lookup(request: HttpRequest, keys: list[Key]) -> None:
    return None


def page_csrf_token(request: HttpRequest) -> str:
    """One masked CSRF token for the whole page, as Django's own {% csrf_token %} gives:
    also for a bit that renders a form of its own (reading/viewer_bits.py)."""
    token = getattr(request, "_kb_page_csrf", None)
    if token is None:
        token = get_token(request)
        request._kb_page_csrf = token  # type: ignore[attr-defined]
    return str(token)


def _csrf_lookup(request: HttpRequest, keys: list[Key]) -> str:
    return escape(page_csrf_token(request))


def _same(request: HttpRequest, key: Key, found: Any) -> str:
    return str(found)


def _viewer_url(request: HttpRequest, key: Key, found: Any) -> str:
    user: Any = request.user
    return escape(user.get_absolute_url())


def _fresh_token(request: HttpRequest, key: Key, found: Any) -> str:
    return str(uuid.uuid4())


def _unused_direct(request: HttpRequest | None, obj: Any) -> str:
    raise NotImplementedError("filled from the request only")


for _name, _lookup, _html in (
    ("csrf", _csrf_lookup, _same),
    ("viewer-url", _no_lookup, _viewer_url),
    ("token", _no_lookup, _fresh_token),
):
    viewer_bit_register(
        _name, ViewerBit(key=lambda obj: (), lookup=_lookup, html=_html, direct=_unused_direct)
    )


def shared_render(request: HttpRequest | None) -> bool:
    """True while the shared copy of a page renders for this request."""
    return request is not None and getattr(request, _SHARED, None) is not None


def viewer_bit(request: HttpRequest | None, name: str, obj: Any) -> SafeString:
    """A marker while the shared copy renders, else the bit for this request's viewer."""
    bit = _bits[name]
    if shared_render(request):
        return marker(name, *bit.key(obj))
    return mark_safe(bit.direct(request, obj))  # noqa: S308 (the bit escapes what it shows)


def viewer_value(request: HttpRequest, name: str, compute: Callable[[], object]) -> object:
    """A per-request value (e.g. a fresh submission token): a marker in the shared copy."""
    return marker(name) if shared_render(request) else compute()


# A shared copy as stored: the texts between its markers, and each marker's bit.
Cut = tuple[list[bytes], list[tuple[str, Key]]]


def _holes(content: bytes, prefix: str) -> Cut:
    """``content`` cut at its markers: once, when the shared copy is stored."""
    texts, holes, start = [], [], 0
    for match in _pattern_for(prefix).finditer(content):
        texts.append(content[start : match.start()])
        holes.append((match.group(1).decode(), tuple(match.group(2).decode().split(".")[1:])))
        start = match.end()
    texts.append(content[start:])
    return texts, holes


def holes_fill(request: HttpRequest, cut: Cut, facts: dict[str, Any] | None = None) -> bytes:
    """Every marker of a page ``cut`` at them replaced by this request's viewer's bit.

    ``facts``: lookups kept for this viewer, page and content version; the
    ``per_version`` bits' lookups are taken from it, or made and added to it.
    """
    texts, holes = cut
    if not holes:
        return texts[0]
    keys: defaultdict[str, list[Key]] = defaultdict(list)
    for name, key in holes:
        keys[name].append(key)
    lookups = {}
    for name, page_keys in keys.items():
        bit = _bits.get(name)
        if bit is None:
            continue
        if bit.per_version and facts is not None:
            if name not in facts:
                facts[name] = bit.lookup(request, page_keys)
            lookups[name] = facts[name]
        else:
            lookups[name] = bit.lookup(request, page_keys)
    parts = [texts[0]]
    for (name, key), text in zip(holes, texts[1:], strict=True):
        bit = _bits.get(name)
        parts += (b"" if bit is None else bit.html(request, key, lookups[name]).encode(), text)
    return b"".join(parts)


def shared_render_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor (last in settings): the stand-in viewer and a CSRF marker."""
    asked = getattr(request, _SHARED, None)
    if asked is None:
        return {}
    return {
        "user": StandIn(asked, "user", url=marker("viewer-url")),
        "perms": StandIn(asked, "perms", url=marker("viewer-url")),
        "csrf_token": marker("csrf"),
    }


def _without_messages(request: HttpRequest) -> bool:
    return not len(messages.get_messages(request))


class SignedInPageCacheMixin(AnonymousPageCacheMixin):
    """Anonymous pages from the page cache; signed-in ones from one shared copy, filled per viewer.

    ``viewer_shares_page`` says whether this viewer sees the page everyone sees
    (apart from viewer bits); a viewer who sees more (their own unpublished
    text) gets the page rendered for them. Its answer is kept with the viewer's
    other facts (above): whatever it looks at must bump the content version or a
    viewer state version when it changes.
    """

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        return True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        page_params_keep(request, self.page_params)
        signed_in = (
            request.method == "GET"
            and caching_on("shared")
            # No session cookie: anonymous, and the anonymous cache's fast path (no session load).
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and _without_messages(request)
        )
        if not signed_in:
            return super().dispatch(request, *args, **kwargs)
        page_key = _page_key(request)
        # The marker prefix is part of the key: a server with another SECRET_KEY (a key
        # rotation) never takes a copy whose markers it would not recognise.
        key = f"signed-in:{_prefix()}:{page_key}"
        # What is known about this viewer on this page (whether they share it, their 点赞
        # among its cards, ...), read with the page and the versions in one round trip.
        viewer_id = request.user.pk
        facts_key = f"viewer:{viewer_id}:{page_key}"
        fresh = counters_announce()  # False: a change of ours is not announced yet
        got = cache.get_many([VERSION_KEY, key, facts_key, *viewer_state_keys(viewer_id)])
        version = cast(int, counter_value(VERSION_KEY, got.get(VERSION_KEY)))
        stamp = (version, *viewer_stamp(got, viewer_id))
        keep_facts = fresh and caching_on("facts")
        stored = got.get(facts_key) if keep_facts else None
        facts: dict[str, Any] = dict(stored[1]) if stored and stored[0] == stamp else {}
        known = dict(facts)
        cached = got.get(key) if fresh else None
        try:
            if "shares" not in facts:
                facts["shares"] = self.viewer_shares_page(request)
            if not facts["shares"]:
                return super().dispatch(request, *args, **kwargs)
            if cached is None or cached[0] != version:
                return self._shared_render(request, key, version, facts, *args, **kwargs)
            return self._shared(request, cached, facts, *args, **kwargs)
        finally:
            if keep_facts and facts != known:
                cache.set(facts_key, (stamp, facts), settings.PAGE_CACHE_SECONDS)

    def _shared(
        self,
        request: HttpRequest,
        cached: tuple[int, Cut, str],
        facts: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> HttpResponseBase:
        _, cut, content_type = cached
        if not content_type:  # this page asked about the viewer: rendered per viewer
            return super().dispatch(request, *args, **kwargs)
        response = HttpResponse(holes_fill(request, cut, facts), content_type=content_type)
        response["X-Page-Cache"] = "shared-hit"
        return response

    def _store(self, key: str, version: int, cut: Cut, content_type: str) -> None:
        # Stored already cut at its markers: a hit fills them without searching the page.
        cache.set(key, (version, cut, content_type), settings.PAGE_CACHE_SECONDS)

    def _shared_render(
        self,
        request: HttpRequest,
        key: str,
        version: int,
        facts: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> HttpResponseBase:
        asked: set[str] = set()
        setattr(request, _SHARED, asked)
        # The view's own code sees no identity either (no viewer's 点赞 annotated on a
        # card, search limited to public documents): the copy is what everyone sees.
        viewer, request.user = request.user, AnonymousUser()
        try:
            # The view itself, past the anonymous page cache (next in the MRO).
            response = super(AnonymousPageCacheMixin, self).dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        finally:
            request.user = viewer
            delattr(request, _SHARED)
        if asked:
            logger.warning("page %s asks about its viewer (%s): not shared", key, sorted(asked))
            self._store(key, version, ([b""], []), "")
            return super().dispatch(request, *args, **kwargs)
        if isinstance(response, HttpResponse) and not response.streaming:
            cut = _holes(response.content, _prefix())
            if response.status_code == 200 and isinstance(response, SimpleTemplateResponse):
                self._store(key, version, cut, response["Content-Type"])
                response["X-Page-Cache"] = "shared-miss"
            response.content = holes_fill(request, cut, facts)
        return response
