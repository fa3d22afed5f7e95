"""A lost or locked database: a Chinese 503 page, not a 500 with a traceback in the log only.

When PostgreSQL restarts, requests in that window fail with OperationalError /
InterfaceError. They are not bugs: answer 503 with Retry-After so clients and
proxies retry, and let Django's health-checked persistent connections
reconnect on the next request.

A request that waited too long for a lock (PostgreSQL's lock_timeout, SQLSTATE
55P03), ran past the statement limit (57014, kb/settings.py) or found SQLite
locked gets the same page, saying the site is busy rather than recovering.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# lock_not_available, query_canceled (statement_timeout).
BUSY_SQLSTATES = {"55P03", "57014"}


def database_busy(exception: BaseException) -> bool:
    """Whether the database answered but the request waited too long (a lock, a slow query)."""
    cause = exception.__cause__
    if getattr(cause, "pgcode", None) in BUSY_SQLSTATES:
        return True
    return "is locked" in str(exception)  # SQLite: "database is locked", "database table is locked"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            busy = database_busy(exception)
            logger.error("database %s: %s", "busy" if busy else "unavailable", exception)
            response = HttpResponse(render_to_string("503.html", {"busy": busy}), status=503)
            response["Retry-After"] = "5"
            return response
        return None
