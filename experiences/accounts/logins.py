"""Login records: what django-axes keeps about sign-ins, and how long addresses stay whole.

django-axes writes a row per successful sign-in (AccessLog), a counter per
username, address and browser of failed ones (AccessAttempt), and, if enabled,
a row per failure (AccessFailureLog). Each holds the client's IP address, which
the lockout needs for half an hour and nobody needs whole for long. After
``KB_IP_RETENTION_DAYS`` (default 7) an address is cut to its network: an
IPv4 address to its /24 (203.0.113.57 becomes 203.0.113.0), an IPv6 address to
its /48. That still tells an administrator roughly where a wave of guesses came
from, not which household. ``manage.py logs_prune`` does it, daily from cron.

These rows are keyed by the username typed, not by a user: a colleague's export
includes them (failed attempts without the address and browser of whoever typed
the name), and deleting an account deletes them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import Model

IPV4_PREFIX = 24
IPV6_PREFIX = 48
LOGIN_RECORD_MODELS: tuple[type[Model], ...] = (AccessLog, AccessAttempt, AccessFailureLog)


def ip_truncate(address: str | None) -> str | None:
    """The network of ``address``: IPv4 to /24, IPv6 to /48; anything unparsable is dropped.

    An IPv4-mapped IPv6 address (::ffff:203.0.113.57) is cut as the IPv4 address it is.
    """
    if not address:
        return address
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    prefix = IPV4_PREFIX if parsed.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


@dataclass
class PruneResult:
    """Rows whose address was (or would be) cut, per record kind; merged failure counters."""

    counts: dict[str, int]
    merged: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _cutoff(days: int | None) -> datetime:
    days = settings.KB_IP_RETENTION_DAYS if days is None else days
    return timezone.now() - timedelta(days=days)


def _attempt_store(attempt: AccessAttempt, network: str | None) -> bool:
    """Cut one failure counter's address; returns True if it merged into a twin.

    Counters are unique per username, address and browser: two addresses of one
    network become the same key, so the older counter is folded into the other.
    """
    twin = (
        AccessAttempt.objects.filter(
            username=attempt.username, user_agent=attempt.user_agent, ip_address=network
        )
        .exclude(pk=attempt.pk)
        .first()
    )
    if twin is None:
        AccessAttempt.objects.filter(pk=attempt.pk).update(ip_address=network)
        return False
    twin.failures_since_start += attempt.failures_since_start
    twin.attempt_time = max(twin.attempt_time, attempt.attempt_time)
    twin.save(update_fields=["failures_since_start", "attempt_time"])
    attempt.delete()
    return True


def login_addresses_prune(*, days: int | None = None, dry_run: bool = False) -> PruneResult:
    """Cut the addresses of login records older than ``days`` (KB_IP_RETENTION_DAYS).

    Idempotent: an address already cut is left alone and not counted.
    """
    cutoff = _cutoff(days)
    result = PruneResult(counts={})
    with transaction.atomic():
        for model in LOGIN_RECORD_MODELS:
            rows = (
                model._default_manager.filter(attempt_time__lt=cutoff, ip_address__isnull=False)
                .order_by("pk")
                .values_list("pk", "ip_address")
            )
            changed = [
                (pk, ip_truncate(address))
                for pk, address in rows.iterator()
                if ip_truncate(address) != address
            ]
            result.counts[model._meta.model_name or model.__name__] = len(changed)
            if dry_run:
                continue
            for pk, network in changed:
                if issubclass(model, AccessAttempt):
                    attempt = AccessAttempt.objects.filter(pk=pk).first()
                    if attempt is not None:
                        result.merged += _attempt_store(attempt, network)
                else:
                    model._default_manager.filter(pk=pk).update(ip_address=network)
    return result


def _username_q(username: str) -> Q:
    # As typed at the login form: axes keeps what was typed, case and all.
    return Q(username__iexact=username)


# A failed login is anyone's who typed the name: its address and browser are
# theirs, not the colleague's, and stay out of the colleague's export.
FAILED_LOGIN_EXPORT_FIELDS = ("attempt_time", "path_info")


def login_records_of(*, username: str) -> dict[str, list[dict]]:
    """Every login record kept under ``username``, for the colleague's own export.

    Sign-ins in full (address, browser): they are the colleague's own, or an
    intruder's into their account, which they have every reason to see. Failed
    attempts only by time, page and count: whoever typed the name may be a third
    party, whose address and browser are not the colleague's data.
    """
    fields = ("attempt_time", "ip_address", "user_agent", "path_info")
    records: dict[str, list[dict]] = {
        "successful_logins": [
            {**row, "attempt_time": row["attempt_time"].isoformat()}
            for row in AccessLog.objects.filter(_username_q(username))
            .order_by("attempt_time")
            .values(*fields, "logout_time")
        ],
        "failed_login_counters": [
            {**row, "attempt_time": row["attempt_time"].isoformat()}
            for row in AccessAttempt.objects.filter(_username_q(username))
            .order_by("attempt_time")
            .values(*FAILED_LOGIN_EXPORT_FIELDS, "failures_since_start")
        ],
        "failed_logins": [
            {**row, "attempt_time": row["attempt_time"].isoformat()}
            for row in AccessFailureLog.objects.filter(_username_q(username))
            .order_by("attempt_time")
            .values(*FAILED_LOGIN_EXPORT_FIELDS, "locked_out")
        ],
    }
    for row in records["successful_logins"]:
        if row["logout_time"] is not None:
            row["logout_time"] = row["logout_time"].isoformat()
    return records


def login_records_delete(*, username: str) -> int:
    """Delete every login record kept under ``username`` (an account being deleted)."""
    deleted = 0
    for model in LOGIN_RECORD_MODELS:
        count, _ = model._default_manager.filter(_username_q(username)).delete()
        deleted += count
    return deleted
