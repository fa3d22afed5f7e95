"""Who is asking: the client's address, and a shared counter to throttle by it.

Behind the documented TLS proxy every request arrives from the proxy's
address, so lockouts and limits keyed on REMOTE_ADDR would lump every visitor
together (anyone could lock a named colleague out). With DJANGO_BEHIND_PROXY
the address is taken from X-Forwarded-For instead — the entry the trusted
proxies appended, never one the client wrote itself. Without it the header is
ignored, since any client can send it.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the outermost trusted proxy saw it (or REMOTE_ADDR)."""
    remote: str = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.BEHIND_PROXY:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    # Each trusted proxy appends the address it received from; the client's own
    # entries, if any, are further left and are not believed.
    if len(forwarded) >= settings.PROXY_COUNT:
        return forwarded[-int(settings.PROXY_COUNT)][:45]
    return remote


def throttle_hit(*, scope: str, key: str, limit: int, seconds: int) -> bool:
    """Count one more use of ``scope`` by ``key``; False once ``limit`` is passed.

    The counter lives in the shared cache, so every app server counts together.
    If the cache is down the request is allowed: the limit is a nuisance guard,
    and refusing everyone would be worse.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"throttle:{scope}:{digest}"
    cache.add(name, 0, timeout=seconds)
    try:
        count = cache.incr(name)  # None: Redis did not answer (django-redis ignores it)
    except ValueError:  # expired between the two calls
        count = None
    if count is None:
        logger.warning("throttle %s: cache unavailable, allowing", scope)
        return True
    return count <= limit
