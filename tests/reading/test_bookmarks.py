"""收藏: bookmark a principle or a reflection, without JavaScript and as JSON; /bookmarks/."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from experiences.essays.models import Essay
from experiences.reading.models import Bookmark
from experiences.reflections.models import Reflection
from tests.factories import (
    BookmarkFactory,
    EssayFactory,
    PrincipleFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("experiences:bookmark_list")


def principle_url(principle):
    return reverse("experiences:bookmark_principle", args=[principle.pk])


def reflection_url(reflection):
    return reverse("experiences:bookmark_reflection", args=[reflection.pk])


class TestPermissions:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, principle):
        response = client.post(principle_url(principle))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert "next=" in response.url
        response = client.post(principle_url(principle), HTTP_ACCEPT="application/json")
        assert response.status_code == 401 and "login_url" in response.json()
        assert client.get(LIST).url.startswith(reverse("login"))
        assert not Bookmark.objects.exists()

    def test_anonymous_pages_show_no_bookmark_form(self, client, principle):
        reflection = ReflectionFactory(principle=principle)
        for url in (principle.get_absolute_url(), reflection.get_absolute_url()):
            assert "bookmark-form" not in client.get(url).content.decode()

    def test_someone_elses_bookmark_is_a_404(self, client, user, other_user, principle):
        theirs = BookmarkFactory(user=other_user, principle=principle)
        client.force_login(user)
        delete = reverse("experiences:bookmark_delete", args=[theirs.pk])
        assert client.post(delete).status_code == 404
        assert Bookmark.objects.filter(pk=theirs.pk).exists()
        assert principle.label not in client.get(LIST).content.decode()

    def test_what_the_user_may_not_see_cannot_be_bookmarked(self, client, user, other_user):
        hidden_principle = PrincipleFactory(essay=EssayFactory(status=Essay.Status.DRAFT))
        pending = ReflectionFactory(author=other_user, status=Reflection.Status.PENDING)
        client.force_login(user)
        assert client.post(principle_url(hidden_principle)).status_code == 404
        assert client.post(reflection_url(pending)).status_code == 404
        assert client.post("/bookmarks/principles/99999999/").status_code == 404
        assert client.get(principle_url(pending.principle)).status_code == 405
        assert not Bookmark.objects.exists()

    def test_own_pending_reflection_can_be_bookmarked(self, client, user):
        mine = ReflectionFactory(author=user, status=Reflection.Status.PENDING, title="待审的")
        client.force_login(user)
        assert client.post(reflection_url(mine)).status_code == 302
        assert "待审的" in client.get(LIST).content.decode()


class TestToggle:
    def test_without_javascript_bookmark_and_remove(self, client, user, principle):
        client.force_login(user)
        page = principle.get_absolute_url()
        response = client.post(principle_url(principle), {"action": "add", "next": page})
        assert response.status_code == 302 and response.url == page
        assert Bookmark.objects.filter(user=user, principle=principle).count() == 1
        text = client.get(page).content.decode()
        assert "已收藏" in text and "取消收藏" in text
        # Double submit: still one.
        client.post(principle_url(principle), {"action": "add", "next": page})
        assert Bookmark.objects.filter(user=user, principle=principle).count() == 1
        client.post(principle_url(principle), {"action": "remove", "next": page})
        assert not Bookmark.objects.exists()
        # Removing twice is harmless.
        assert client.post(principle_url(principle), {"action": "remove"}).status_code == 302

    def test_json_for_the_script(self, client, user):
        reflection = ReflectionFactory()
        client.force_login(user)
        headers = {"HTTP_ACCEPT": "application/json"}
        response = client.post(reflection_url(reflection), {"action": "add"}, **headers)
        assert response.json() == {"bookmarked": True}
        assert "取消收藏" in client.get(reflection.get_absolute_url()).content.decode()
        response = client.post(reflection_url(reflection), {"action": "remove"}, **headers)
        assert response.json() == {"bookmarked": False}

    @pytest.mark.parametrize(
        "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "\x00"]
    )
    def test_next_must_stay_on_the_site(self, client, user, principle, next_url):
        client.force_login(user)
        response = client.post(principle_url(principle), {"next": next_url})
        assert response.url == principle.get_absolute_url()

    @pytest.mark.parametrize("action", ["", "x" * 5000, "\x00", "删除"])
    def test_an_odd_action_bookmarks(self, client, user, principle, action):
        client.force_login(user)
        assert client.post(principle_url(principle), {"action": action}).status_code == 302
        assert Bookmark.objects.filter(user=user, principle=principle).exists()


class TestList:
    def test_lists_visible_bookmarks_newest_first(self, client, user, other_user, principle):
        kept = ReflectionFactory(title="留着的心得")
        later_rejected = ReflectionFactory(title="后来被驳回")
        hidden_essay = EssayFactory(title="撤回的文章")
        withdrawn = PrincipleFactory(essay=hidden_essay, baseline="撤回甲", emphasis="撤回乙")
        for item in (kept, later_rejected):
            BookmarkFactory(user=user, principle=None, reflection=item)
        BookmarkFactory(user=user, principle=principle)
        BookmarkFactory(user=user, principle=withdrawn)
        theirs = ReflectionFactory(title="别人收藏")
        BookmarkFactory(user=other_user, principle=None, reflection=theirs)
        later_rejected.status = Reflection.Status.REJECTED
        later_rejected.save()
        hidden_essay.status = Essay.Status.DRAFT
        hidden_essay.save()
        client.force_login(user)
        page = client.get(LIST).content.decode()
        assert "留着的心得" in page and principle.baseline in page
        assert "后来被驳回" not in page and "撤回甲" not in page and "别人收藏" not in page
        assert page.index(principle.baseline) < page.index("留着的心得")  # newest first

    def test_remove_from_the_list(self, client, user, principle):
        bookmark = BookmarkFactory(user=user, principle=principle)
        client.force_login(user)
        response = client.post(
            reverse("experiences:bookmark_delete", args=[bookmark.pk]), {"next": LIST}
        )
        assert response.url == LIST and not Bookmark.objects.exists()
        assert "还没有收藏" in client.get(LIST).content.decode()

    def test_paginated_and_constant_in_queries(
        self, client, user, seed_essay, django_assert_max_num_queries
    ):
        client.force_login(user)
        for principle in seed_essay.principles.all():
            BookmarkFactory(user=user, principle=principle)
        BookmarkFactory(user=user, principle=None, reflection=ReflectionFactory())
        # The page's queries and the user's permissions (2), which the models' rules of
        # what they may see ask (readable_by, visible_to).
        with django_assert_max_num_queries(7):
            assert client.get(LIST).status_code == 200
        for _ in range(30):
            BookmarkFactory(user=user, principle=None, reflection=ReflectionFactory(tags=["甲"]))
            BookmarkFactory(user=user, principle=PrincipleFactory())
        with django_assert_max_num_queries(7):
            page = client.get(LIST).content.decode()
        assert "第 1 / 4 页" in page
        assert client.get(LIST, {"page": "9999"}).status_code == 200


class TestConstraints:
    def test_one_bookmark_per_user_and_item(self, user, principle):
        BookmarkFactory(user=user, principle=principle)
        with pytest.raises(IntegrityError):
            BookmarkFactory(user=user, principle=principle)

    def test_exactly_one_item(self, user, principle):
        with pytest.raises(IntegrityError):
            Bookmark.objects.create(
                user=user, principle=principle, reflection=ReflectionFactory(author=UserFactory())
            )

    def test_no_item(self, user):
        with pytest.raises(IntegrityError):
            Bookmark.objects.create(user=user)


@pytest.mark.parametrize(
    "value", ["\u00b2", "\u2460", "-1", str(10**23), "", "abc", "\x00", "x" * 10_000]
)
def test_hostile_parameters_never_break_the_personal_pages(client, user, principle, value):
    client.force_login(user)
    for url, name in (
        (LIST, "page"),
        (reverse("experiences:draft_list"), "page"),
        (reverse("experiences:reflection_create"), "principle"),
    ):
        assert client.get(url, {name: value}).status_code == 200
    for url in (
        principle_url(principle),
        reverse("experiences:principle_read", args=[principle.pk]),
    ):
        assert client.post(url, {"next": value, "action": value}).status_code == 302
    assert client.post(f"/bookmarks/reflections/{10**23}/").status_code == 404


@pytest.mark.parametrize("next_url", ["abc", "home", "experiences:home", "\u2460"])
def test_like_next_that_looks_like_a_view_name_is_ignored(client, user, next_url):
    """Found while testing 收藏: the 点赞 form's ``next`` had the same hole (a 500)."""
    reflection = ReflectionFactory()
    client.force_login(user)
    url = reverse("experiences:reflection_like", args=[reflection.pk])
    response = client.post(url, {"next": next_url})
    assert response.status_code == 302 and response.url == reflection.get_absolute_url()
