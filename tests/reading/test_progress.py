"""已学: a principle read to its end (or marked by the button); 已学 n/m per essay on home
and on the colleague's own page; nothing of it for anonymous visitors or in cached pages."""

import pytest
from django.urls import reverse

from experiences.essays.models import Essay
from experiences.reading.models import PrincipleRead
from tests.factories import (
    BookmarkFactory,
    EssayFactory,
    PrincipleFactory,
    PrincipleReadFactory,
    ReflectionFactory,
)

pytestmark = pytest.mark.django_db


def read_url(principle):
    return reverse("experiences:principle_read", args=[principle.pk])


class TestMarking:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, principle):
        response = client.post(read_url(principle))
        assert response.url.startswith(reverse("login"))
        response = client.post(read_url(principle), HTTP_ACCEPT="application/json")
        assert response.status_code == 401
        assert not PrincipleRead.objects.exists()

    def test_button_without_javascript(self, client, user, principle):
        client.force_login(user)
        page = client.get(principle.get_absolute_url()).content.decode()
        assert "标记为已学" in page and "data-read-auto" in page
        response = client.post(read_url(principle), follow=True)
        text = response.content.decode()
        assert "已标记为已学" in text and "标记为已学</button>" not in text
        assert "\u2713 已学" in text
        # A double submit (the observer and the button) keeps one row.
        client.post(read_url(principle))
        assert PrincipleRead.objects.filter(user=user, principle=principle).count() == 1

    def test_json_for_the_observer(self, client, user, principle):
        client.force_login(user)
        response = client.post(read_url(principle), HTTP_ACCEPT="application/json")
        assert response.json() == {"read": True}

    def test_unpublished_or_missing_principles_are_404(self, client, user):
        hidden = PrincipleFactory(essay=EssayFactory(status=Essay.Status.DRAFT))
        client.force_login(user)
        assert client.post(read_url(hidden)).status_code == 404
        assert client.post("/principles/99999999999/read/").status_code == 404
        assert client.get(read_url(hidden)).status_code == 405
        assert not PrincipleRead.objects.exists()


class TestProgress:
    def test_home_shows_read_of_total_per_essay(self, client, user, seed_essay):
        first = seed_essay.principles.get(position=1)
        client.force_login(user)
        assert "已学 0/4" in client.get("/").content.decode()
        client.post(read_url(first))
        page = client.get("/").content.decode()
        assert "已学 1/4" in page and "badge-read" in page
        for principle in seed_essay.principles.exclude(pk=first.pk):
            PrincipleReadFactory(user=user, principle=principle)
        assert "已学 4/4" in client.get("/").content.decode()

    def test_other_essays_on_home_show_their_progress(self, client, user, seed_essay):
        other = EssayFactory(title="另一篇")
        read, _unread = PrincipleFactory(essay=other), PrincipleFactory(essay=other)
        PrincipleReadFactory(user=user, principle=read)
        EssayFactory(title="还没有原则的文章")
        client.force_login(user)
        page = client.get("/").content.decode()
        assert "已学 1/2" in page and "已学 0/0" not in page

    def test_only_ones_own_page_shows_it(self, client, user, other_user, seed_essay):
        PrincipleReadFactory(user=user, principle=seed_essay.principles.get(position=1))
        client.force_login(user)
        own = client.get(user.get_absolute_url()).content.decode()
        assert "已学 1/4" in own and "我的学习" in own
        assert reverse("experiences:bookmark_list") in own
        client.force_login(other_user)
        theirs = client.get(user.get_absolute_url()).content.decode()
        assert "已学" not in theirs and "我的学习" not in theirs

    def test_someone_elses_reading_is_not_counted(self, client, user, other_user, seed_essay):
        for principle in seed_essay.principles.all():
            PrincipleReadFactory(user=other_user, principle=principle)
        client.force_login(user)
        assert "已学 0/4" in client.get("/").content.decode()


class TestAnonymousCache:
    def test_anonymous_pages_carry_nothing_personal_and_stay_identical(
        self, client, user, seed_essay
    ):
        principle = seed_essay.principles.get(position=1)
        reflection = ReflectionFactory(principle=principle)
        urls = ["/", principle.get_absolute_url(), user.get_absolute_url()]
        before = {url: client.get(url).content for url in urls}
        for content in before.values():
            text = content.decode()
            assert "已学" not in text and "收藏" not in text and "草稿" not in text
        # A colleague reads, bookmarks and visits the same pages signed in...
        signed_in = client.__class__()
        signed_in.force_login(user)
        signed_in.post(read_url(principle))
        signed_in.post(reverse("experiences:bookmark_principle", args=[principle.pk]))
        signed_in.post(reverse("experiences:bookmark_reflection", args=[reflection.pk]))
        assert "已学 1/4" in signed_in.get("/").content.decode()
        # ...and anonymous visitors still get the very same cached pages.
        for url in urls:
            response = client.get(url)
            assert response["X-Page-Cache"] == "hit"
            assert response.content == before[url]


class TestQueryCounts:
    def test_home_signed_in_is_constant(self, client, user, django_assert_max_num_queries):
        def build(essays, principles):
            for _ in range(essays):
                essay = EssayFactory()
                for _ in range(principles):
                    principle = PrincipleFactory(essay=essay)
                    principle.tags.add("群众工作")
                    PrincipleReadFactory(user=user, principle=principle)

        client.force_login(user)
        build(1, 2)
        # The session and the user, the unread-notification count in the header, 我的学习任务
        # (the home page is not shared: essays.views).
        with django_assert_max_num_queries(15):
            assert client.get("/").status_code == 200
        build(8, 12)
        with django_assert_max_num_queries(15):
            page = client.get("/").content.decode()
        assert "已学 12/12" in page

    def test_principle_page_signed_in_is_constant(
        self, client, user, principle, django_assert_max_num_queries
    ):
        client.force_login(user)
        client.get(principle.get_absolute_url())  # content types cached, as on a warm server
        # The session and the user (2); whether the page holds anything of the viewer's
        # own, else it is the copy shared by colleagues (core/shared_pages.py).
        with django_assert_max_num_queries(17):
            assert client.get(principle.get_absolute_url()).status_code == 200
        PrincipleReadFactory(user=user, principle=principle)
        BookmarkFactory(user=user, principle=principle)
        for _ in range(25):
            reflection = ReflectionFactory(principle=principle, tags=["甲"])
            BookmarkFactory(user=user, principle=None, reflection=reflection)
        for position in range(10, 20):
            other = PrincipleFactory(essay=principle.essay, position=position)
            PrincipleReadFactory(user=user, principle=other)
        with django_assert_max_num_queries(17):
            assert client.get(principle.get_absolute_url()).status_code == 200


def test_privacy_policy_says_what_is_kept(client):
    page = client.get(reverse("privacy")).content.decode()
    assert "草稿" in page and "收藏" in page and "已学" in page


def test_admin_lists_load_for_staff(admin_client, user, principle):
    from tests.factories import DraftFactory

    DraftFactory(author=user, principle=principle, body="私人的草稿正文")
    BookmarkFactory(user=user, principle=principle)
    PrincipleReadFactory(user=user, principle=principle)
    for model in ("draft", "bookmark", "principleread"):
        response = admin_client.get(reverse(f"admin:experiences_{model}_changelist"))
        assert response.status_code == 200
        # A draft is unpublished writing: its text is not shown, even to staff.
        assert "私人的草稿正文" not in response.content.decode()
    draft_url = reverse("admin:experiences_draft_change", args=[DraftFactory(author=user).pk])
    assert "还没写完的心得" not in admin_client.get(draft_url).content.decode()
