"""Caching anonymous pages correctly across several app servers.

Pages that anonymous visitors read (home, essay, principle, tag pages, lists
and searches) are cached together with the site-wide *content version* they
were rendered under, in the shared cache, for PAGE_CACHE_SECONDS at most.
Each request reads the version and the page in one round trip and serves the
page only if it was rendered under that version. Any change to content a page
shows (essays, principles, quotations, reflections, 点赞, tags) bumps the
version, so every server's next request renders afresh. It bumps when the
change is made and again once the transaction commits: a server that rendered
the old content in between cached it under a version already gone. A bump
Redis did not answer is remembered and made again as soon as Redis answers
(``counter_bump``): before this process's next cache read, and from a timer.

Each service that writes what a page shows calls ``pages_changed()`` in the open,
next to its other effects (the admin and management commands go through services
or call it themselves); tests/site/test_side_effects.py drives every write path and
fails when one forgets. Receivers call it only for third-party models written by
library code we do not control (taggit's tags, see ``apps.py``). A colleague's row
is shown too (names on cards), but a sign-in or a new password writes it without
changing anything shown: only the profile, admin and deletion services bump for it
(accounts/services.py).
"""

import functools
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.response import SimpleTemplateResponse

from experiences.core.display import display_mode

if TYPE_CHECKING:
    from django.views import View

    _ViewBase = View
else:
    _ViewBase = object

T = TypeVar("T")
logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"


def caching_on(name: str) -> bool:
    """Whether the mechanism ``name`` (pages, shared, facts) runs: settings.KB_CACHING."""
    return name in settings.KB_CACHING.split(",")


def counter_value(key: str, known: object = None) -> object:
    """A shared version counter (``known``: its value if the caller read it already)."""
    value = cache.get(key) if known is None else known
    if value is None:
        # First use, or the cache was emptied: any fresh value outdates what was kept.
        fresh = time.time_ns()
        if cache.add(key, fresh, timeout=None) is None:
            return fresh  # Redis did not answer (django-redis): no use asking it again
        value = cache.get(key, fresh)
    return value


# Bumps Redis did not answer, made again as soon as it does (counters_announce).
_unannounced: set[str] = set()
_unannounced_lock = threading.Lock()
_retry_timer: list[threading.Timer] = []
_timer_lock = threading.Lock()


def _bump_once(key: str) -> bool:
    try:
        return cache.incr(key) is not None  # django-redis answers None when Redis did not
    except ValueError:  # never set, or evicted: a fresh value on the next read
        return cache.delete(key) is not None


def counter_bump(key: str) -> None:
    """Move a version on; if Redis does not answer, again until it does."""
    if not _bump_once(key):
        logger.warning("version %s not moved (the cache did not answer): retrying", key)
        with _unannounced_lock:
            _unannounced.add(key)
        _retry_schedule()


def counters_announce() -> bool:
    """Make the bumps that failed; True if none is left unmade (cached pages may be served)."""
    if not _unannounced:
        return True
    if not _unannounced_lock.acquire(blocking=False):
        return False  # another thread is making them: no waiting in line behind it
    try:
        for key in sorted(_unannounced):
            if not _bump_once(key):
                return False
            _unannounced.discard(key)
            logger.warning("version %s moved on after all", key)
        return True
    finally:
        _unannounced_lock.release()


def _retry() -> None:
    with _timer_lock:
        _retry_timer.clear()
    if not counters_announce():
        _retry_schedule()


def _retry_schedule() -> None:
    """Every second until the bumps are made: a quiet server announces them too."""
    with _timer_lock:
        if _retry_timer:
            return
        timer = threading.Timer(1.0, _retry)
        timer.daemon = True  # never keeps a process from exiting
        _retry_timer.append(timer)
    timer.start()


def caches_flush() -> bool:
    """Forget every page, fact and version under this site's prefix (after a restore).

    The counters start afresh on their next read, outdating any copy a server stores
    after this from what it read before. False if the cache did not answer.
    """
    delete_pattern = getattr(cache, "delete_pattern", None)  # django-redis; else local memory
    if delete_pattern is None:
        cache.clear()
        return True
    return delete_pattern("*") is not None


def content_version() -> int:
    """The shared version; read on every cacheable request, so every server sees a change."""
    return cast(int, counter_value(VERSION_KEY))


def cached_per_content_version(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, worked out once per content version and shared through the cache.

    For derived data every page shows alike (e.g. tag suggestions): any change that
    bumps the version makes the next caller compute it afresh, on any app server.
    """
    key = f"derived:{name}:{content_version()}"
    value = cache.get(key) if counters_announce() else None
    if value is None:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return cast(T, value)


def _bump() -> None:
    counter_bump(VERSION_KEY)


def pages_changed() -> None:
    """Outdate every cached anonymous page: bump the content version now and on commit.

    Called by every write of something a page shows. Bumped twice: a server that
    rendered the old content between the write and the commit cached it under a
    version already gone. A bump Redis does not answer is made again (counter_bump).
    """
    _bump()
    transaction.on_commit(_bump)


def pages_changed_receiver(sender: Any, **kwargs: Any) -> None:
    """post_save, post_delete and m2m_changed receiver for third-party models (apps.py)."""
    if kwargs.get("action", "post").startswith("post"):  # m2m: once, after the change
        pages_changed()


@functools.cache
def build_fingerprint() -> str:
    """A digest of the code and templates that render pages, computed once per process.

    Part of every page key: after a deploy that changes how pages are rendered
    (a template, a view), no server serves a page an older build cached.
    """
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, pattern in (("templates", "*.html"), ("experiences", "*.py"), ("kb", "*.py")):
        for path in sorted((base / folder).rglob(pattern)):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# What the common parameters can be (core/web.py reads them so); any other value is
# read as no value at all (the first page, the newest first, no principle), so it is
# dropped too, and ?page=x1, ?page=x2, ... are the plain page as well.
_PARAM_SHAPES = {
    "page": re.compile(r"[0-9]{1,6}"),
    "sort": re.compile(r"likes"),
    "principle": re.compile(r"[0-9]{1,18}"),
}


def page_params_keep(request: HttpRequest, params: Iterable[str]) -> None:
    """Make ``request`` ask only for the query parameters the page reads, in one order.

    A cached page is keyed on its query string. Kept as sent, ?utm=1, ?utm=2, ...
    would each render the page afresh and store another copy of it (an easy way to
    fill the cache and keep servers busy); so parameters the page does not read are
    dropped before the view sees the request (and values of a known shape that do not
    have it, and all but the last of a repeated one), the rest sorted by name: every
    such URL is the plain page, rendered once and shared. Dropped from ``request.GET`` and
    the query string alike, so nothing typed there reaches the copy others are shown
    (the search box, "next" links, pagination links).
    """
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    wanted = set(params)
    kept = QueryDict(mutable=True)
    for name in sorted(request.GET):
        value = request.GET.get(name, "")  # the last one: what the page reads
        shape = _PARAM_SHAPES.get(name)
        if name in wanted and value and (shape is None or shape.fullmatch(value)):
            kept[name] = value
    canonical = kept.urlencode()
    if canonical != query:
        request.GET = QueryDict(canonical)
        request.META["QUERY_STRING"] = canonical


def _page_key(request: HttpRequest) -> str:
    # The path as routed and the query string as kept (page_params_keep): unique per
    # page shown, without get_full_path's re-quoting (a tenth of an anonymous hit's time).
    # The display mode (长辈模式, 高对比) too: each mode is its own copy, never another's.
    query = request.META.get("QUERY_STRING", "")
    path_digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"page:{build_fingerprint()}:{display_mode(request).key}:{path_digest}"


# (content version it was rendered under, body, Content-Type)
CachedPage = tuple[int, bytes, str]


def _cached_page(key: str) -> tuple[int, CachedPage | None]:
    """(current version, a page rendered under it, or None): one round trip.

    While a change this process made is not yet announced, no page is served.
    """
    fresh = counters_announce()
    got = cache.get_many([VERSION_KEY, key])
    version = cast(int, counter_value(VERSION_KEY, got.get(VERSION_KEY)))
    page = got.get(key)
    if not fresh or page is None or page[0] != version:
        return version, None
    return version, page


def _anonymous_without_messages(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies:
        return True  # no session at all: anonymous, and nothing to flash (the common case)
    return not request.user.is_authenticated and not len(messages.get_messages(request))


class AnonymousPageCacheMixin(_ViewBase):
    """Serve anonymous GETs of a page from the shared cache, keyed by content version.

    ``page_params`` names the query parameters the page reads (its view, templates
    and template tags); any other is dropped from the request (``page_params_keep``).
    A page that starts reading a parameter must name it here.
    """

    page_params: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        page_params_keep(request, self.page_params)
        cacheable = (
            request.method == "GET" and caching_on("pages") and _anonymous_without_messages(request)
        )
        if not cacheable:
            return super().dispatch(request, *args, **kwargs)
        key = _page_key(request)
        version, cached = _cached_page(key)
        if cached is not None:
            _, content, content_type = cached
            hit = HttpResponse(content, content_type=content_type)
            hit["X-Page-Cache"] = "hit"
            return hit
        response = super().dispatch(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and response.status_code == 200:
            # Stored with the version it was rendered under: a page from before
            # any later change is never served again.
            def store(rendered: HttpResponse) -> None:
                page = (version, rendered.content, rendered["Content-Type"])
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)

            response.add_post_render_callback(store)
            response["X-Page-Cache"] = "miss"
        return response
