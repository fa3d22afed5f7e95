"""Template tags of the sharing domain (experiences/sharing/).

``{% share_meta obj %}`` in ``<head>``: the share card (og:*, WeChat's itemprop
tags) of a principle, essay, published reflection or tag name; without an
object, the site's card for the current path. ``{% share_description obj %}``
is the same plain excerpt for ``<meta name="description">``.

``{% share_qr page_url qr_url %}`` after a page's text: 扫码阅读 on request
(``<details>``, no script); ``{% share_print page_url qr_url %}`` at its end: on
paper only, the address and the code.
``{% qr_code url %}`` is the bare SVG for any page that wants one. URLs may be
site paths (``/p/3``) or absolute on SITE_URL.
"""

from typing import Any

from django import template
from django.utils.encoding import uri_to_iri
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from taggit.models import Tag

from experiences.core.site import absolute_url, site_url
from experiences.essays.models import Essay, Principle
from experiences.reflections.models import Reflection
from experiences.sharing import cards
from experiences.sharing.qr import qr_svg

register = template.Library()


def _absolute(url: str) -> str:
    """A site path, or an absolute URL on SITE_URL, as the percent-encoded absolute URL.

    Anything else (another origin) raises ValueError: these tags never point away.
    """
    if url.startswith(site_url() + "/"):
        url = url[len(site_url()) :]
    return absolute_url(url)


def card_for(obj: Any, path: str) -> cards.ShareCard:
    if isinstance(obj, Principle):
        return cards.principle_card(obj)
    if isinstance(obj, Essay):
        return cards.essay_card(obj)
    if isinstance(obj, Reflection) and obj.status == Reflection.Status.PUBLISHED:
        return cards.reflection_card(obj)
    if isinstance(obj, Tag):
        return cards.tag_card(obj.name)
    return cards.default_card(path)


@register.inclusion_tag("sharing/share_meta.html", takes_context=True)
def share_meta(context: template.Context, obj: Any = None) -> dict[str, Any]:
    request = context.get("request")
    path = request.path if request is not None else "/"
    return {"card": card_for(obj, path), "site_name": cards.site_name()}


@register.simple_tag(takes_context=True)
def share_description(context: template.Context, obj: Any = None) -> str:
    request = context.get("request")
    return card_for(obj, request.path if request is not None else "/").description


@register.simple_tag
def qr_code(url: str) -> SafeString:
    """The QR code (inline SVG) of a site path or absolute URL on SITE_URL."""
    return qr_svg(_absolute(url), _("本页二维码"))


def _share_context(page_url: str, qr_url: str) -> dict[str, Any]:
    page = _absolute(page_url)
    code_url = _absolute(qr_url) if qr_url else page
    return {
        "page_url": page,
        "page_iri": uri_to_iri(page),  # readable Chinese on paper
        "code_url": code_url,
        "svg": qr_svg(code_url, _("本页二维码")),
    }


@register.inclusion_tag("sharing/share_qr.html")
def share_qr(page_url: str, qr_url: str = "") -> dict[str, Any]:
    """扫码阅读 on screen, on request: the code of ``qr_url`` (a short link), else ``page_url``."""
    return _share_context(page_url, qr_url)


@register.inclusion_tag("sharing/share_print.html")
def share_print(page_url: str, qr_url: str = "") -> dict[str, Any]:
    """The end of the printed page (hidden on screen): the address and the code."""
    return _share_context(page_url, qr_url)


@register.filter
def absolute(path: str) -> str:
    """``{{ path|absolute }}``: a site path on SITE_URL (robots.txt's sitemap line)."""
    return absolute_url(path)
