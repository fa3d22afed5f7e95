"""People as others see them: clean names, no impersonation, names never stale in cached pages."""

import pytest
from django.test import Client
from django.urls import reverse

from experiences.accounts.models import User
from experiences.accounts.services import user_save
from experiences.core.caching import content_version
from experiences.core.text import line_clean, name_key
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
CHARACTERS_MESSAGE = "用户名只能使用英文字母、数字、汉字和 . _ - @ + 符号"
DISPLAY_NAME_TAKEN = "这个显示名已被其他同事使用\uff0c请换一个。"


def signup(client, **fields):
    data = {
        "username": "xiaozhang",
        "email": "",
        "display_name": "",
        "unit": "",
        "post": "",
        "years_of_service": "",
        "password1": "Ganbu-2026-jiceng",
        "password2": "Ganbu-2026-jiceng",
        "privacy_consent": "on",
        **fields,
    }
    return client.post(reverse("signup"), data)


def profile_post(client, **fields):
    data = {"display_name": "", "email": "", "unit": "", "post": "", "years_of_service": ""}
    return client.post(reverse("profile_edit"), {**data, **fields})


# A. Invisible characters never get into a profile.


def test_line_clean():
    assert line_clean(" \u202e小\u200b王\x1b\t\n\u00ad\ufeff ") == "小王"
    assert line_clean("城关镇、综治办\u3000一组") == "城关镇、综治办\u3000一组"


def test_profile_form_stores_cleaned_fields(client, user):
    client.force_login(user)
    response = profile_post(
        client,
        display_name="\u202e小\u200b赵\x1b\t",
        unit=" 东关\x07乡\n",
        post="综治\u00ad办\u2066",
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.unit, user.post) == ("小赵", "东关乡", "综治办")


def test_signup_stores_cleaned_fields(client):
    response = signup(client, display_name="y2\x1b名", unit="\u200f城关镇")
    assert response.status_code == 302
    user = User.objects.get(username="xiaozhang")
    assert (user.display_name, user.unit) == ("y2名", "城关镇")


# B. Nobody passes for somebody else.


@pytest.mark.parametrize(
    "username",
    [
        "\u0430lice",  # Cyrillic а
        "al\u0131ce",  # dotless ı
        "\ufb01lice",  # the "fi" ligature, which NFKC would turn into "filice"
        "\uff21lice",  # full-width A, U+FF21
        "ali\u200bce",  # zero-width space
    ],
)
def test_signup_refuses_usernames_of_other_scripts_or_forms(client, username):
    response = signup(client, username=username)
    assert response.status_code == 200
    page = response.content.decode()
    assert CHARACTERS_MESSAGE in page
    assert f'value="{username}"' in page  # kept as typed, to be corrected
    assert not User.objects.exists()


def test_signup_refuses_a_username_differing_only_in_case(client):
    assert signup(client, username="alice").status_code == 302
    client.post(reverse("logout"))
    response = signup(client, username="Alice")
    assert "这个用户名已被使用。" in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]


# The same name but for case is "in use"; one a glyph away (or a display name) "too alike".
IN_USE, ALIKE = "这个用户名已被使用。", "这个用户名和已有的名字太像"


@pytest.mark.parametrize(
    ("username", "message"),
    [("aIice", ALIKE), ("a1ice", ALIKE), ("ALICE.", IN_USE), ("xiaowang", IN_USE), ("小王", ALIKE)],
)
def test_signup_refuses_usernames_looking_like_a_name_in_use(client, user, username, message):
    UserFactory(username="alice")
    UserFactory(username="alice.")
    response = signup(client, username=username)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and ({IN_USE, ALIKE} - {message}).pop() not in page
    assert User.objects.count() == 3


def test_signup_accepts_chinese_usernames(client):
    response = signup(client, username="小王2")
    assert response.status_code == 302
    assert User.objects.filter(username="小王2").exists()


@pytest.mark.parametrize("display_name", ["老李", " 老\u200b李 ", "LAOLI", "laol1"])
def test_display_name_may_not_copy_another_persons_name(client, user, other_user, display_name):
    client.force_login(user)
    response = profile_post(client, display_name=display_name)
    assert response.status_code == 200
    assert DISPLAY_NAME_TAKEN in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "小王"


def test_display_name_check_on_signup(client, other_user):
    response = signup(client, display_name="老李")
    assert DISPLAY_NAME_TAKEN in response.content.decode()
    assert not User.objects.filter(username="xiaozhang").exists()


def test_own_names_and_mixed_script_display_names(client, user):
    client.force_login(user)
    assert profile_post(client, display_name="小王").status_code == 302
    assert profile_post(client, display_name="XiaoWang").status_code == 302
    response = profile_post(client, display_name="\u0430lice")
    assert "混用了外形相近的不同文字" in response.content.decode()


def test_name_key_merges_look_alikes():
    assert name_key("\uff21\u200bl\u0399ce") != name_key("alice")  # Greek Ι is refused elsewhere
    assert name_key("AIice") == name_key("alice") == name_key("a1ice") == name_key("ALICE")
    assert name_key("小 王") == name_key("小王")


def test_username_shown_beside_display_name(client, user):
    reflection = ReflectionFactory(author=user, title="驻村日记")
    tag = '<span class="username">@xiaowang</span>'
    assert tag in client.get(reverse("experiences:reflection_list")).content.decode()
    assert tag in client.get(reflection.get_absolute_url()).content.decode()
    page = client.get(user.get_absolute_url()).content.decode()
    assert '<p class="username">@xiaowang</p>' in page


def test_no_username_repeated_when_there_is_no_display_name(client):
    reflection = ReflectionFactory(author=UserFactory(username="laozhou"))
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "laozhou" in page and "@laozhou" not in page


# C. A changed name shows at once, even in cached pages.


def test_changed_display_name_shows_on_cached_pages(client, user):
    ReflectionFactory(author=user, title="驻村日记")
    pages = [user.get_absolute_url(), reverse("experiences:reflection_list")]
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "miss"
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit" and "小王" in response.content.decode()

    own = Client()
    own.force_login(user)
    assert profile_post(own, display_name="王小二").status_code == 302

    for url in pages:
        page = client.get(url).content.decode()
        assert "王小二" in page and "小王" not in page


def test_sign_in_and_unshown_changes_keep_cached_pages(client, user):
    version = content_version()
    assert client.post(reverse("login"), {"username": "xiaowang", "password": PASSWORD})["Location"]
    user.refresh_from_db()
    assert user.last_login is not None
    user.email = "new@example.cn"
    user.save()
    assert content_version() == version
    user.unit = "城关镇"
    user_save(user=user)  # the profile form's and the admin's path
    assert content_version() != version


def admin_user_form(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "unit": user.unit,
        "post": user.post,
        "years_of_service": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    return {**data, **changes}


def test_admin_user_form_cleans_and_refuses_look_alike_names(admin_client, user, other_user):
    url = reverse("admin:experiences_user_change", args=[other_user.pk])
    response = admin_client.post(url, admin_user_form(other_user, display_name="小王"))
    assert response.status_code == 200
    assert DISPLAY_NAME_TAKEN in response.content.decode()
    response = admin_client.post(
        url, admin_user_form(other_user, display_name="老\u202e李\x1b", unit="城关镇\u200b")
    )
    assert response.status_code == 302
    other_user.refresh_from_db()
    assert (other_user.display_name, other_user.unit) == ("老李", "城关镇")
    response = admin_client.post(url, admin_user_form(other_user, username="XiaoWang"))
    assert response.status_code == 200
    assert User.objects.filter(username="XiaoWang").count() == 0
