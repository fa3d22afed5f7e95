"""Structured request logging: a request id on every request and every log line.

The id comes from the X-Request-ID header (set by a proxy) or is generated,
is echoed in the response header, and is attached to every log record written
while the request is handled, so an error can be found from what a user saw.

Logs keep no secrets and no colleague's words (issue 19): the request line is
the method and path only (no query string, never a body), and every record
passes ``RedactFilter`` on its way out, which blanks the values of sensitive
query parameters (token, password, ...) and the token in a password-reset
path wherever they appear, and replaces a request object (Django attaches one
to its error records; its text carries the full query string) by its method and
redacted path.
"""

import contextvars
import json
import logging
import re
import time
import uuid

from django.http import HttpRequest

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("kb.request")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REDACTED = "[REDACTED]"
# Parameter names whose values are secrets wherever they appear (query strings,
# form-encoded text in a message): matched as a whole name or a name ending in it.
SENSITIVE_NAMES = (
    "password",
    "passwd",
    "pass",
    "token",
    "csrfmiddlewaretoken",
    "secret",
    "key",
    "sessionid",
    "session",
    "signature",
    "auth",
    "code",
)
_SENSITIVE_PARAMETER = re.compile(
    r"(?i)\b([\w.-]*(?:" + "|".join(SENSITIVE_NAMES) + r")\d*)=([^&\s'\"<>]+)"
)
# Django's password reset link: /accounts/reset/<uidb64>/<token>/ (after the first
# visit the view replaces the token by "set-password", which is no secret).
_RESET_PATH = re.compile(r"(/reset/[^/\s]+/)(?!set-password/)([^/\s?'\"]+)")


def redact(text: str) -> str:
    """``text`` with secret parameter values and reset-link tokens replaced."""
    text = _SENSITIVE_PARAMETER.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    return _RESET_PATH.sub(lambda m: m.group(1) + REDACTED, text)


def _request_summary(request: HttpRequest) -> str:
    # Never the body or the query string: method and path are enough to find the code.
    return f"{request.method} {redact(request.path)}"


class RedactFilter(logging.Filter):
    """Blank secrets in the message and in string extras of every record.

    A handler filter, so it also covers records of Django, django-axes and any
    library that propagate to the console handler.
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format: keep the raw template
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        for name, value in list(vars(record).items()):
            if name in JsonFormatter.STANDARD:
                continue
            if isinstance(value, HttpRequest):
                setattr(record, name, _request_summary(value))
            elif isinstance(value, str):
                setattr(record, name, redact(value))
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, traceback."""

    STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update(
            {key: value for key, value in vars(record).items() if key not in self.STANDARD}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
