"""Turn a lost database into a Chinese 503 page instead of a 500 with a traceback in the log only.

When PostgreSQL restarts, requests in that window fail with OperationalError /
InterfaceError. They are not bugs: answer 503 with Retry-After so clients and
proxies retry, and let Django's health-checked persistent connections
reconnect on the next request.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable: %s", exception)
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "5"
            return response
        return None
