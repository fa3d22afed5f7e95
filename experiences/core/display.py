"""长辈模式 (大字版) and 高对比: how a visitor chose to read the site.

China's 适老化 rules ask public-service sites for a large-text, high-contrast version
a colleague can switch on without help. The choice lives in one cookie, ``kb_mode``,
for anonymous visitors and signed-in colleagues alike: it needs no query, a phone
and a desktop of the same colleague may differ, and it works before signing in.

The cookie is read here only (``display_mode``): by the page caches' key
(``caching._page_key``, which the shared signed-in pages use too), so a page
rendered in one mode is stored apart and never reaches a visitor in another,
and by the templates (``display_context``). A value this module does not know
reads as "not chosen", so a forged cookie cannot make the caches store more
copies than there are modes.

The switch is a plain form (no JavaScript) posting to ``display_switch``, which
sets the cookie and sends the visitor back where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

COOKIE = "kb_mode"
COOKIE_MAX_AGE = 365 * 24 * 3600
_REQUEST_ATTR = "_kb_display_mode"


@dataclass(frozen=True)
class DisplayMode:
    """Large text (长辈模式) and high contrast; ``chosen``: the visitor answered the offer."""

    elder: bool = False
    high_contrast: bool = False
    chosen: bool = False

    @property
    def cookie_value(self) -> str:
        return ("elder" if self.elder else "standard") + ("-high" if self.high_contrast else "")

    @property
    def key(self) -> str:
        """The cache key part: one per way a page can be rendered (five in all)."""
        if not self.chosen:
            return "u"
        return ("e" if self.elder else "s") + ("h" if self.high_contrast else "")

    @property
    def html_class(self) -> str:
        classes = [
            "mode-elder" if self.elder else "",
            "contrast-high" if self.high_contrast else "",
        ]
        return " ".join(name for name in classes if name)

    @property
    def offer(self) -> bool:
        """Offer 长辈模式 (shown on narrow screens only) until the visitor answers."""
        return not self.chosen


_KNOWN = {
    mode.cookie_value: mode
    for mode in (
        DisplayMode(elder=elder, high_contrast=contrast, chosen=True)
        for elder in (False, True)
        for contrast in (False, True)
    )
}
NOT_CHOSEN = DisplayMode()


def display_mode(request: HttpRequest) -> DisplayMode:
    """The mode this request's visitor chose (read once per request)."""
    mode = getattr(request, _REQUEST_ATTR, None)
    if mode is None:
        mode = _KNOWN.get(request.COOKIES.get(COOKIE, ""), NOT_CHOSEN)
        setattr(request, _REQUEST_ATTR, mode)
    return mode


def display_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``display`` for base.html's class, the switch and the offer."""
    return {"display": display_mode(request)}


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("experiences:home")


def _same_site(request: HttpRequest) -> bool:
    # The form carries no CSRF token (it is on cached pages everyone shares), so a
    # post another site's page sends is told apart by its Origin and ignored.
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.get_host()


@csrf_exempt  # sets a display preference in the sender's own browser, nothing else
@require_http_methods(["GET", "POST"])
def display_switch(request: HttpRequest) -> HttpResponse:
    """Switch 长辈模式 or 高对比 on or off, then go back (GET: the choices as a page)."""
    current = display_mode(request)
    if request.method == "GET":
        return render(request, "display/settings.html", {"next": request.GET.get("next", "")})
    response = HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")))
    if not _same_site(request):
        return response
    elder = {"on": True, "off": False}.get(request.POST.get("elder", ""), current.elder)
    contrast = {"high": True, "standard": False}.get(
        request.POST.get("contrast", ""), current.high_contrast
    )
    chosen = DisplayMode(elder=elder, high_contrast=contrast, chosen=True)
    response.set_cookie(
        COOKIE,
        chosen.cookie_value,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


urlpatterns = [path("display/", display_switch, name="display_switch")]
