"""Caching anonymous pages correctly across several app servers.

Pages that anonymous visitors read (home, essay, principle, tag pages, lists
and searches) are cached together with the site-wide *content version* they
were rendered under, in the shared cache and in a small per-process copy.
Each request reads the version from the shared cache (with Redis, a copy kept
in the process that Redis's invalidation push drops the moment the version
moves: kb/near_cache.py) and serves a copy only if it was rendered under that
version. Any change to
content a page shows (essays, principles, quotations, reflections, 点赞, tags)
bumps the version, so every server's next request renders afresh. It bumps
when the change is made and again once the transaction commits: a server that
rendered the old content in between cached it under a version already gone.

The bump is wired to model signals (see ``apps.py``) rather than called from
each write path: it is infrastructure, and a write path that forgot it would
serve stale pages silently.

Users are shown too (names on cards, their own pages), but a user row is also
saved on every sign-in (``last_login``) and password change, and bumping then
would empty the cache all day. So a user's save bumps only when a field a page
shows has changed (``USER_VISIBLE_FIELDS``), whichever path made it: the
profile form, the admin, a management command.
"""

import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.response import SimpleTemplateResponse

from experiences.core.display import display_mode

if TYPE_CHECKING:
    from django.views import View

    _ViewBase = View
else:
    _ViewBase = object

T = TypeVar("T")

VERSION_KEY = "content-version"

# The user fields pages show, directly or by deciding whether a page exists.
USER_VISIBLE_FIELDS = ("username", "display_name", "unit", "post", "years_of_service", "is_active")
_VISIBLE_CHANGE = "_kb_visible_change"


def counter_value(key: str, known: object = None) -> object:
    """A shared version counter (``known``: its value if the caller read it already).

    Read with ``get_near`` where the cache has it (the Redis backend keeps these keys
    in each process and drops them the moment Redis reports a write); else a plain get.
    """
    value = getattr(cache, "get_near", cache.get)(key) if known is None else known
    if value is None:
        # First use, or the cache was emptied: any fresh value outdates what was kept.
        fresh = time.time_ns()
        cache.add(key, fresh, timeout=None)
        value = cache.get(key, fresh)
    return value


def counter_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # never set, evicted, or the cache is unavailable: fresh on next read
        cache.delete(key)


def content_version() -> int:
    """The shared version; read on every cacheable request, so every server sees a change."""
    return cast(int, counter_value(VERSION_KEY))


def cached_per_content_version(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, worked out once per content version and shared through the cache.

    For derived data every page shows alike (e.g. tag suggestions): any change that
    bumps the version makes the next caller compute it afresh, on any app server.
    """
    key = f"derived:{name}:{content_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return cast(T, value)


def _bump() -> None:
    counter_bump(VERSION_KEY)


# The models whose rows pages show; filled by the app's ``ready`` (pages_show), so
# this infrastructure knows no domain.
_shown_on_pages: set[type[Model]] = set()


def pages_show(*models: type[Model]) -> None:
    """Declare that pages show rows of ``models``: any change to one invalidates them."""
    _shown_on_pages.update(models)


def user_visible_change_note(
    sender: type[Model],
    instance: Model,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save receiver for the user model: note whether a field pages show is changing.

    Compared with the stored row because the user model keeps no record of
    what it was loaded with. A save limited to other fields (the sign-in's
    ``update_fields=["last_login"]``) costs no query at all.
    """
    # A new user has nothing on any page yet: no bump.
    existing = not instance._state.adding and instance.pk is not None
    relevant = update_fields is None or set(update_fields) & set(USER_VISIBLE_FIELDS)
    changed = False
    if existing and relevant:
        stored = (
            type(instance)._base_manager.filter(pk=instance.pk).values(*USER_VISIBLE_FIELDS).first()
        )
        changed = stored is None or any(
            stored[name] != getattr(instance, name) for name in USER_VISIBLE_FIELDS
        )
    instance.__dict__[_VISIBLE_CHANGE] = changed


def _user_shown_change(instance: Model | None, signal: Signal | None) -> bool:
    if signal is post_delete:
        return True  # their page, if cached, must go
    if signal is post_save and instance is not None:
        return bool(instance.__dict__.pop(_VISIBLE_CHANGE, False))
    return False  # groups and permissions are not shown


def content_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: invalidate every cached anonymous page, now and after commit."""
    instance = kwargs.get("instance")
    model = instance.__class__ if instance is not None else sender
    if getattr(model, "_meta", None) is None:
        return
    concrete = model._meta.concrete_model
    if concrete is get_user_model():
        if not _user_shown_change(instance, kwargs.get("signal")):
            return
    elif concrete not in _shown_on_pages:
        return
    _bump()
    transaction.on_commit(_bump)


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


class _LocalPages:
    """A small per-process copy of recently served pages, checked against the shared version.

    A hit then costs reading the version instead of fetching and unpickling
    the page from the shared cache on every request.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, version: int) -> CachedPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None or page[0] != version:
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


local_pages = _LocalPages()


def _cached_page(key: str) -> tuple[int, CachedPage | None]:
    """(current version, a page rendered under it, or None)."""
    version = content_version()
    page = local_pages.get(key, version)
    if page is None:
        page = cache.get(key)
        if page is None or page[0] != version:
            return version, None
        local_pages.put(key, page)
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
        cacheable = request.method == "GET" and _anonymous_without_messages(request)
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
                local_pages.put(key, page)

            response.add_post_render_callback(store)
            response["X-Page-Cache"] = "miss"
        return response
