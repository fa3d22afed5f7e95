"""A visitor's 点赞: the login page says why, and signing in completes the 点赞."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from experiences.reflections.models import Reflection
from experiences.reflections.services import LIKE_AFTER_LOGIN
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def like_url(reflection):
    return reverse("experiences:reflection_like", args=[reflection.pk])


def log_in(client, username):
    return client.post(
        reverse("login") + "?next=/", {"username": username, "password": PASSWORD}, follow=True
    )


def test_visitor_like_link_explains_and_completes_after_login(client, principle):
    reflection = ReflectionFactory(principle=principle, title="值得点赞")
    UserFactory(username="fangke")
    page = client.get(principle.get_absolute_url()).content.decode()
    assert like_url(reflection) in page

    response = client.get(like_url(reflection), {"next": principle.get_absolute_url()})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == reverse("login")
    next_url = parse_qs(location.query)["next"][0]
    assert next_url == f"{principle.get_absolute_url()}#reflection-{reflection.pk}"
    login_page = client.get(response["Location"]).content.decode()
    assert "登录后即可点赞" in login_page
    assert reflection.likes.count() == 0

    response = client.post(
        response["Location"], {"username": "fangke", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == next_url
    reflection.refresh_from_db()
    assert reflection.like_count == 1
    assert reflection.likes.get().user.username == "fangke"
    assert "已为\u201c值得点赞\u201d点赞" in client.get(next_url).content.decode()
    assert LIKE_AFTER_LOGIN not in client.session


def test_offsite_next_goes_to_the_reflection(client):
    reflection = ReflectionFactory()
    response = client.get(like_url(reflection), {"next": "https://evil.example/"})
    next_url = parse_qs(urlparse(response["Location"]).query)["next"][0]
    assert next_url == reflection.get_absolute_url()


def test_own_reflection_is_not_liked_after_login(client):
    author = UserFactory(username="zuozhe")
    reflection = ReflectionFactory(author=author)
    client.get(like_url(reflection))
    page = log_in(client, "zuozhe").content.decode()
    assert reflection.likes.count() == 0
    # Issue 31, item 10: the visitor did not know it was theirs; the page says why.
    assert "这条心得是你自己写的\uff0c不能给自己点赞。" in page
    assert LIKE_AFTER_LOGIN not in client.session


def test_reflection_unpublished_meanwhile_is_not_liked(client):
    reflection = ReflectionFactory()
    UserFactory(username="fangke")
    client.get(like_url(reflection))
    Reflection.objects.filter(pk=reflection.pk).update(status=Reflection.Status.REJECTED)
    log_in(client, "fangke")
    assert reflection.likes.count() == 0


def test_already_liked_stays_one(client):
    reflection = ReflectionFactory()
    liker = UserFactory(username="fangke")
    client.force_login(liker)
    client.post(like_url(reflection), {"action": "like"})
    client.post(reverse("logout"))
    client.get(like_url(reflection))
    log_in(client, "fangke")
    reflection.refresh_from_db()
    assert reflection.like_count == 1 and reflection.likes.count() == 1


def test_plain_login_likes_nothing(client):
    ReflectionFactory()
    UserFactory(username="fangke")
    log_in(client, "fangke")
    assert not Reflection.objects.filter(like_count__gt=0).exists()


def test_signup_also_completes_the_like(client):
    reflection = ReflectionFactory()
    client.get(like_url(reflection))
    response = client.post(
        reverse("signup"),
        {
            "username": "xinlai",
            "display_name": "新来",
            "unit": "",
            "email": "",
            "password1": "Ganbu-2026-jiceng",
            "password2": "Ganbu-2026-jiceng",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    assert reflection.likes.filter(user__username="xinlai").exists()


def test_write_link_lands_at_the_form(client, principle):
    page = client.get(principle.get_absolute_url()).content.decode()
    assert "%23write-heading" in page


def test_script_path_also_explains_and_completes(client):
    reflection = ReflectionFactory()
    UserFactory(username="fangke")
    response = client.post(like_url(reflection), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    login_page = client.get(response.json()["login_url"]).content.decode()
    assert "登录后即可点赞" in login_page
    log_in(client, "fangke")
    assert reflection.likes.count() == 1
