"""Lockouts and limits count the real client: behind the proxy by X-Forwarded-For, else not.

Behind the documented TLS proxy every request comes from the proxy's address;
keyed on that, five wrong passwords from anyone locked a colleague out
everywhere. Without a proxy the header is the client's own words and is ignored.
"""

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from experiences.core.client import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.7"
PROXY = "10.0.0.2"


def login(client, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": "laozhao", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_a_lockout_is_the_attackers_alone(client, settings):
    settings.BEHIND_PROXY = True
    UserFactory(username="laozhao")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", ATTACKER)
    assert login(client, "wrong", ATTACKER).status_code == 429
    # The colleague, from their own address through the same proxy, still signs in.
    assert login(client, PASSWORD, COLLEAGUE).status_code == 302


def test_without_a_proxy_the_header_is_ignored(client, settings):
    settings.BEHIND_PROXY = False
    UserFactory(username="laozhao")
    # Rotating a forged header does not escape the lockout.
    for index in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", f"192.0.2.{index}")
    assert login(client, PASSWORD, "192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("behind_proxy", "header", "expected"),
    [
        (False, "203.0.113.9", PROXY),
        (True, "203.0.113.9", "203.0.113.9"),
        # The client wrote the left entry itself; the proxy appended the right one.
        (True, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (True, "", PROXY),
    ],
)
def test_client_ip(settings, behind_proxy, header, expected):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def reset(client, email, ip="192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_mails_per_address_are_limited(client, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    UserFactory(username="laozhao", email="laozhao@example.cn")
    answers = [reset(client, "laozhao@example.cn", ip=f"192.0.2.{i}") for i in range(7)]
    assert len(mail.outbox) == 3
    # The same answer every time: neither the throttle nor the account shows.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }
    # Case does not make a new address.
    reset(client, "LaoZhao@Example.CN")
    assert len(mail.outbox) == 3


def test_password_reset_mails_per_client_are_limited(client, settings):
    settings.PASSWORD_RESETS_PER_CLIENT = 4
    for index in range(6):
        UserFactory(username=f"user{index}x", email=f"u{index}@example.cn")
    answers = [reset(client, f"u{index}@example.cn") for index in range(6)]
    assert len(mail.outbox) == 4
    assert {answer.status_code for answer in answers} == {302}
    # Another client is not affected.
    reset(client, "u5@example.cn", ip="192.0.2.99")
    assert len(mail.outbox) == 5
