"""Login lockouts: django-axes' per-user lockout, and a per-address one above it.

django-axes counts failed logins per username and address (AXES_LOCKOUT_PARAMETERS)
against one limit (AXES_FAILURE_LIMIT, 5): it cannot give another grouping a
higher threshold. Password spraying — one wrong password for each of many
usernames from one address — never reaches five for any of them. So this
handler also sums every failure axes recorded from the client's address within
the cool-off (AXES_COOLOFF_TIME) and locks that address out at
``KB_LOGIN_FAILURES_PER_ADDRESS`` (default 20), with the same Chinese lockout
page. The limit is higher because colleagues of one office may share an address;
a colleague who then signs in clears their own failures (AXES_RESET_ON_SUCCESS),
so only never-corrected guesses add up.

The counts are axes' own rows in the database: every app server sees the same.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(*, request: HttpRequest) -> int:
    """Failed logins from the request's client address within the cool-off, any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(*, request: HttpRequest) -> bool:
    # Set by django-axes' own defaults (axes.conf): locking out can be switched off.
    if not getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True):
        return False
    return address_failures(request=request) >= settings.KB_LOGIN_FAILURES_PER_ADDRESS


class AddressLockoutHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler that also locks out an address with too many failures overall."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request=request)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials):
            return
        if address_locked(request=request):
            # As axes does at its own limit: the middleware turns this into the lockout page.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            )
