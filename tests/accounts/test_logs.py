"""Logs keep no secrets or colleagues' words; kept client addresses are cut after a while."""

import io
import json
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from experiences.accounts.logins import ip_truncate
from kb.logging import redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the site's console handler writes (filters and formatter included)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


def test_redact_blanks_secret_parameters_and_reset_tokens():
    assert redact("/x?token=abc123&page=2") == "/x?token=[REDACTED]&page=2"
    assert redact("password=hunter2 csrfmiddlewaretoken=Zz9") == (
        "password=[REDACTED] csrfmiddlewaretoken=[REDACTED]"
    )
    assert redact("/accounts/reset/MQ/cz1abc-0123456789abcdef/") == (
        "/accounts/reset/MQ/[REDACTED]/"
    )
    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/MQ/set-password/"
    assert redact("/search/?q=原则&page=2") == "/search/?q=原则&page=2"


def test_request_lines_carry_no_query_string_reset_token_or_body(client, user, log_lines):
    client.get("/search/?q=原则&token=sekret-123&password=hunter2")
    client.get("/accounts/reset/MQ/cz1abc-0123456789abcdef/")
    client.force_login(user)
    client.post(reverse("experiences:reflection_create"), {"title": "题目", "body": "机密心得正文"})
    lines = log_lines()
    requests = [line for line in lines if line["logger"] == "kb.request"]
    assert [line["method"] for line in requests] == ["GET", "GET", "POST"]
    text = json.dumps(lines, ensure_ascii=False)
    for secret in ("sekret-123", "hunter2", "cz1abc-0123456789abcdef", "机密心得正文", "题目"):
        assert secret not in text
    assert requests[1]["path"] == "/accounts/reset/MQ/[REDACTED]/"


def test_error_records_show_the_request_without_its_query_string(log_lines):
    request = RequestFactory().get("/feeds/reflections/?token=sekret-123&q=1")
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.get_full_path(),
        extra={"request": request, "status_code": 500},
    )
    (line,) = log_lines()
    assert "sekret-123" not in json.dumps(line)
    assert line["message"] == "Internal Server Error: /feeds/reflections/?token=[REDACTED]&q=1"
    assert line["request"] == "GET /feeds/reflections/"


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.57", "203.0.113.0"),
        ("203.0.113.0", "203.0.113.0"),
        ("2001:db8:abcd:12:34::1", "2001:db8:abcd::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("not an address", None),
        (None, None),
    ],
)
def test_ip_truncate(address, network):
    assert ip_truncate(address) == network


def _aged(model, days, **fields):
    row = model.objects.create(user_agent="Mozilla", http_accept="*/*", path_info="/", **fields)
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days))
    return row


def test_logs_prune_cuts_old_addresses_only_and_says_so(settings):
    settings.KB_IP_RETENTION_DAYS = 7
    old_log = _aged(AccessLog, 8, username="xiaowang", ip_address="203.0.113.57")
    new_log = _aged(AccessLog, 1, username="xiaowang", ip_address="203.0.113.58")
    old_failure = _aged(AccessFailureLog, 30, username="laoli", ip_address="2001:db8:abcd:12::1")
    first = _aged(
        AccessAttempt,
        9,
        username="laoli",
        ip_address="198.51.100.7",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    _aged(
        AccessAttempt,
        10,
        username="laoli",
        ip_address="198.51.100.200",
        get_data="",
        post_data="",
        failures_since_start=3,
    )

    out = io.StringIO()
    call_command("logs_prune", "--dry-run", stdout=out)
    assert "将截短 7 天前的 IP 地址 4 条" in out.getvalue()
    assert "未修改" in out.getvalue()
    old_log.refresh_from_db()
    assert old_log.ip_address == "203.0.113.57"

    out = io.StringIO()
    call_command("logs_prune", stdout=out)
    assert "已截短 7 天前的 IP 地址 4 条" in out.getvalue()
    assert "1 条登录失败计数并入" in out.getvalue()
    old_log.refresh_from_db()
    new_log.refresh_from_db()
    old_failure.refresh_from_db()
    assert old_log.ip_address == "203.0.113.0"
    assert new_log.ip_address == "203.0.113.58"
    assert old_failure.ip_address == "2001:db8:abcd::"
    (attempt,) = AccessAttempt.objects.filter(username="laoli")
    assert attempt.ip_address == "198.51.100.0"
    assert attempt.failures_since_start == 5
    # The second counter (by pk) is folded into the first, which keeps the later time.
    assert attempt.pk == first.pk
    assert timezone.now() - attempt.attempt_time < timedelta(days=9, hours=1)

    out = io.StringIO()
    call_command("logs_prune", stdout=out)
    assert "已截短 7 天前的 IP 地址 0 条" in out.getvalue()


def test_logs_prune_honours_the_setting(settings):
    settings.KB_IP_RETENTION_DAYS = 30
    row = _aged(AccessLog, 8, username="xiaowang", ip_address="203.0.113.57")
    call_command("logs_prune", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.ip_address == "203.0.113.57"


def test_failed_login_keeps_no_csrf_token(client, user):
    client.post(
        reverse("login"),
        {"username": "xiaowang", "password": "wrong-one", "csrfmiddlewaretoken": "tok-123"},
    )
    attempt = AccessAttempt.objects.get()
    assert "csrfmiddlewaretoken=" in attempt.post_data
    for secret in ("wrong-one", "tok-123", "xiaowang"):
        assert secret not in attempt.post_data
