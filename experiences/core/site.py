"""The site's public origin: every absolute URL the site hands out is built here.

Share tags, QR codes, feeds, the sitemap, exports and mails outlive the request
that made them and are read elsewhere, so they must carry the site's real
address. The request's Host header cannot give it: a client chooses that
header, and a page or mail built from it could point readers at another site
(or be cached for everyone that way). ``settings.SITE_URL`` is the one source.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.encoding import iri_to_uri


def site_url() -> str:
    """The origin, ``https://kb.example.cn``, without a trailing slash."""
    return str(settings.SITE_URL)


def site_domain() -> str:
    """Host and port of the origin: what Django's sitemap and mail templates call the domain."""
    return urlsplit(site_url()).netloc


def site_scheme() -> str:
    return urlsplit(site_url()).scheme


def absolute_url(path: str) -> str:
    """``/essays/…/`` → ``https://kb.example.cn/essays/…/``, percent-encoded for any reader.

    Only site paths are accepted: anything already absolute (or protocol-relative)
    is refused rather than passed through, so no caller can point a share tag
    elsewhere by accident.
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a site path: {path!r}")
    return site_url() + iri_to_uri(path)
