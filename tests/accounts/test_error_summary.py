"""Sign-up and profile errors: a summary at the top linking each field, in the form's own words."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def summary_of(response) -> str:
    page = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_signup_errors_are_summarised_and_linked(client):
    UserFactory(username="taken")
    response = client.post(
        reverse("signup"),
        {"username": "taken", "email": "bad", "password1": "1", "password2": "2"},
    )
    assert response.status_code == 200
    summary = summary_of(response)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert '<a href="#id_username">用户名\uff1a这个用户名已被使用。</a>' in summary
    assert 'href="#id_email">电子邮箱\uff1a电子邮箱的格式不对' in summary
    assert 'href="#id_password2"' in summary and 'href="#id_privacy_consent"' in summary
    assert "Email" not in summary and "电子邮件地址" not in summary
    page = response.content.decode()
    # The summary takes the focus, not the username field.
    assert "autofocus" not in page.split('id="id_username"')[0].rsplit("<input", 1)[-1]
    assert 'name="username" value="taken"' in page


def test_required_messages_name_the_field(client):
    summary = summary_of(client.post(reverse("signup"), {}))
    assert "用户名\uff1a请填写用户名。" in summary
    assert "密码\uff1a请填写密码。" in summary
    assert "这个字段是必填项" not in summary


def test_password_rules_speak_chinese(client):
    response = client.post(
        reverse("signup"),
        {"username": "xinren", "password1": "12", "password2": "12", "privacy_consent": "on"},
    )
    summary = summary_of(response)
    assert "密码太短\uff1a至少要 8 个字符。" in summary
    assert "This password" not in response.content.decode()


def test_fresh_form_has_no_summary_and_focuses_username(client):
    page = client.get(reverse("signup")).content.decode()
    assert "error-summary" not in page
    assert re.search(r'<input[^>]*name="username"[^>]*autofocus', page)


def test_profile_form_summary(client, user):
    client.force_login(user)
    response = client.post(reverse("profile_edit"), {"display_name": "小王", "email": "不是邮箱"})
    assert 'href="#id_email">电子邮箱\uff1a电子邮箱的格式不对' in summary_of(response)
