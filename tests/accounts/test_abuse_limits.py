"""Limits on what one client can do with accounts (issue 25, items 2 to 4).

Sign-up: a script minted a dozen accounts from one address in four seconds.
Login: one wrong password for each of many usernames from one address (password
spraying) never reached the per-user lockout. Password change: the current
password could be guessed without end from a signed-in session.
"""

import pytest
from django.urls import reverse

from experiences.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Ganbu-2026-jiceng"


def signup(client, username, ip="203.0.113.9"):
    data = {
        "username": username,
        "display_name": f"同事{username}",
        "unit": "城关镇",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "privacy_consent": "on",
    }
    return client.post(reverse("signup"), data, REMOTE_ADDR=ip)


def test_signups_per_address_are_limited_in_chinese_and_keep_what_was_typed(client, settings):
    settings.KB_SIGNUPS_PER_ADDRESS_PER_HOUR = 3
    for index in range(3):
        assert signup(client, f"bot{index}x").status_code == 302
        client.post(reverse("logout"))
    response = signup(client, "bot3x")
    assert response.status_code == 429
    page = response.content.decode()
    assert "这个网络地址注册的账号过多\uff0c请一小时后再试。" in page
    assert 'value="bot3x"' in page
    assert 'value="城关镇"' in page
    assert not User.objects.filter(username="bot3x").exists()
    # A colleague elsewhere still signs up.
    assert signup(client, "colleague", ip="198.51.100.7").status_code == 302


def test_a_signup_with_mistakes_does_not_count(client, settings):
    settings.KB_SIGNUPS_PER_ADDRESS_PER_HOUR = 1
    for _ in range(3):
        response = client.post(
            reverse("signup"),
            {"username": "xiaozhang", "password1": "x", "password2": "y"},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 200
    assert signup(client, "xiaozhang").status_code == 302
    client.post(reverse("logout"))
    assert signup(client, "xiaoli").status_code == 429


def login(client, username, password, ip="203.0.113.9"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_password_spraying_from_one_address_is_locked_out(client, settings):
    settings.KB_LOGIN_FAILURES_PER_ADDRESS = 6
    UserFactory(username="laozhao")
    # One wrong guess per username: the per-user lockout (5) never comes into play.
    answers = [login(client, f"name{index}", "wrong").status_code for index in range(6)]
    assert answers == [200] * 5 + [429]
    # The next guess, even a right one, goes no further: the same Chinese lockout page.
    response = login(client, "laozhao", PASSWORD)
    assert response.status_code == 429
    assert "登录暂时被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A colleague at another address is not affected.
    assert login(client, "laozhao", PASSWORD, ip="198.51.100.7").status_code == 302


def test_signing_in_clears_a_colleagues_own_typos_from_the_address_count(client, settings):
    settings.KB_LOGIN_FAILURES_PER_ADDRESS = 4
    UserFactory(username="laozhao")
    for _ in range(3):
        login(client, "laozhao", "wrong")
    assert login(client, "laozhao", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    answers = [login(client, f"name{index}", "wrong").status_code for index in range(4)]
    assert answers == [200, 200, 200, 429]


def change_password(client, old_password):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def test_wrong_current_passwords_on_password_change_are_throttled(client, user, settings):
    settings.KB_PASSWORD_CHANGE_TRIES_PER_HOUR = 3
    client.force_login(user)
    for _ in range(3):
        response = change_password(client, "guess")
        assert response.status_code == 200
        assert "你的旧密码不正确" in response.content.decode()
    # Even the right one, until the hour is over; and the page does not tell right from wrong.
    right, wrong = change_password(client, PASSWORD), change_password(client, "guess")
    for response in (right, wrong):
        assert response.status_code == 429
        page = response.content.decode()
        assert "尝试次数过多\uff0c请一小时后再试。" in page
        assert "你的旧密码不正确" not in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # Another colleague is not affected.
    client.force_login(UserFactory())
    assert change_password(client, PASSWORD).status_code == 302


def test_over_the_deletion_limit_the_page_does_not_tell_a_right_password(client, user, settings):
    settings.KB_ACCOUNT_DELETE_TRIES_PER_HOUR = 1
    client.force_login(user)
    url = reverse("account_delete")
    client.post(url, {"password": "guess", "reflections": "keep"})
    pages = [
        client.post(url, {"password": password, "reflections": "keep"}).content.decode()
        for password in ("guess", PASSWORD)
    ]
    for page in pages:
        assert "尝试次数过多\uff0c请一小时后再试。" in page
        assert "密码不正确" not in page
        assert 'value="keep" required id="id_reflections_0" checked' in page  # the choice kept
    assert User.objects.filter(pk=user.pk).exists()
