"""Accounts: sign-up, login throttling, logout, password change and reset, profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from experiences.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def signup(client, **fields):
    data = {
        "username": "xiaozhang",
        "email": "xz@example.cn",
        "display_name": "小张",
        "unit": "城关镇",
        "post": "综治办",
        "years_of_service": "3",
        "password1": "Ganbu-2026-jiceng",
        "password2": "Ganbu-2026-jiceng",
        "privacy_consent": "on",
        **fields,
    }
    return client.post(reverse("signup"), data)


def test_signup_creates_the_profile_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="xiaozhang")
    assert (user.display_name, user.unit, user.post, user.years_of_service) == (
        "小张",
        "城关镇",
        "综治办",
        3,
    )
    assert client.get(reverse("profile_edit")).status_code == 200


def test_signup_brings_the_user_back(client):
    response = signup(client, next="/reflections/")
    assert response["Location"] == "/reflections/"
    response = client.post(reverse("logout"))
    response = signup(client, username="another", display_name="小李", next="https://evil.example/")
    assert response["Location"] == reverse("experiences:home")


def test_weak_password_is_refused_in_chinese_and_fields_kept(client):
    response = signup(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    page = response.content.decode()
    # "12345678" is both on the common list and all digits: both reasons are given.
    assert "这个密码太常见了。" in page and "密码只包含数字。" in page
    assert 'value="城关镇"' in page
    assert not User.objects.filter(username="xiaozhang").exists()


def test_mismatched_passwords_and_bad_years(client):
    page = signup(client, password2="different-Pass-9", years_of_service="99").content.decode()
    assert "输入的两个密码不一致。" in page
    assert "工作年限不能超过 60 年。" in page


def test_login_and_logout(client):
    UserFactory(username="laozhao")
    response = client.post(reverse("login"), {"username": "laozhao", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("logout")).status_code == 405  # logout only by POST
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("profile_edit")).status_code == 302


def test_wrong_password_message_in_chinese(client):
    UserFactory(username="laozhao")
    response = client.post(reverse("login"), {"username": "laozhao", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert 'value="laozhao"' in response.content.decode()


def test_failed_logins_are_throttled(client, settings):
    UserFactory(username="laozhao")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(reverse("login"), {"username": "laozhao", "password": "wrong"}).status_code
            == 200
        )
    locked = client.post(reverse("login"), {"username": "laozhao", "password": "wrong"})
    assert locked.status_code == 429
    assert "登录暂时被锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "laozhao", "password": PASSWORD})
    assert response.status_code == 429


def test_password_change(client):
    user = UserFactory(username="laozhao")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2026!")


def test_password_reset_by_email(client):
    user = UserFactory(username="laozhao", email="laozhao@example.cn")
    response = client.post(reverse("password_reset"), {"email": "laozhao@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重置密码" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert "设置新密码" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2026!")


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_edit(client):
    user = UserFactory(username="laozhao")
    client.force_login(user)
    response = client.post(
        reverse("profile_edit"),
        {"display_name": "老赵", "email": "", "unit": "东关乡", "post": "", "years_of_service": ""},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "老赵" and user.unit == "东关乡" and user.years_of_service is None
    response = client.post(
        reverse("profile_edit"), {"display_name": "老赵", "years_of_service": "70"}
    )
    assert "工作年限不能超过 60 年。" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["login", "signup", "password_reset", "password_reset_done", "password_reset_complete"],
)
def test_account_pages_are_chinese(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()
