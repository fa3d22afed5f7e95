"""The 隐私政策 page, and the consent sign-up asks for and records."""

import pytest
from django.urls import reverse
from django.utils import timezone

from experiences.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONSENT_REQUIRED = "请先阅读并同意\u300a隐私政策\u300b\uff0c才能注册。"


def signup_data(**fields):
    return {
        "username": "xiaozhang",
        "email": "xz@example.cn",
        "display_name": "小张",
        "unit": "城关镇",
        "post": "综治办",
        "years_of_service": "3",
        "password1": "Ganbu-2026-jiceng",
        "password2": "Ganbu-2026-jiceng",
        **fields,
    }


def test_privacy_page_says_what_is_collected_and_why_in_chinese(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>隐私政策</h1>" in page
    assert "个人信息保护法" in page
    for collected in (
        "账号",
        "个人资料",
        "单位",
        "心得",
        "点赞",
        "登录记录",
        "花名册信息",
        "显示偏好",
        "访问日志",
    ):
        assert f"<dt>{collected}</dt>" in page
    assert "为什么" in page


def test_privacy_page_is_linked_from_every_footer_and_the_signup_form(client):
    privacy = reverse("privacy")
    home = client.get(reverse("experiences:home")).content.decode()
    footer = home[home.index("site-footer") :]
    assert f'href="{privacy}"' in footer
    signup = client.get(reverse("signup")).content.decode()
    start = signup.index('<form class="form-page"')
    form = signup[start : signup.index("</form>", start)]
    assert f'href="{privacy}"' in form
    assert 'name="privacy_consent"' in form
    assert "我已阅读并同意" in form
    assert "\u300a隐私政策\u300b" in form


def test_signup_without_consent_is_refused_keeping_what_was_typed(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert CONSENT_REQUIRED in page
    assert 'value="xiaozhang"' in page
    assert 'value="城关镇"' in page
    assert 'value="综治办"' in page
    assert not User.objects.filter(username="xiaozhang").exists()
    assert "_auth_user_id" not in client.session


def test_signup_with_consent_records_when_it_was_given(client):
    before = timezone.now()
    response = client.post(reverse("signup"), signup_data(privacy_consent="on"))
    assert response.status_code == 302
    user = User.objects.get(username="xiaozhang")
    assert user.privacy_consented_at is not None
    assert before <= user.privacy_consented_at <= timezone.now()


def test_accounts_made_elsewhere_have_no_consent_recorded(admin_client):
    # An account an administrator makes in the admin: nobody saw the notice, so null.
    password = "Ganbu-2026-jiceng"
    data = {"username": "xiaozhao", "usable_password": "true"}
    response = admin_client.post(
        reverse("admin:experiences_user_add"),
        {**data, "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert User.objects.get(username="xiaozhao").privacy_consented_at is None


def test_consent_is_not_editable_from_the_profile(client):
    user = UserFactory(username="laozhao")
    client.force_login(user)
    client.post(
        reverse("profile_edit"),
        {
            "display_name": "",
            "email": "",
            "unit": "",
            "post": "",
            "years_of_service": "",
            "privacy_consented_at": "2020-01-01 00:00",
        },
    )
    user.refresh_from_db()
    assert user.privacy_consented_at is None
