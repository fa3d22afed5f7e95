"""Signed-in pages shared by every colleague, filled per viewer (core/shared_pages.py).

What must hold however the page was served (rendered now, or the shared copy
filled in): each viewer sees their own 点赞 state, CSRF token and links on
their next request; nothing of one viewer reaches another; the query count
stays constant as data grows.
"""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from experiences.core.shared_pages import SignedInPageCacheMixin, _prefix, marker
from experiences.core.viewer_state import viewer_state_changed
from experiences.reflections.services import like_set, reflection_create
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def button(page: str, reflection) -> str:
    """The 点赞 form of ``reflection``'s card."""
    start = page.index(f'id="reflection-{reflection.pk}"')
    return page[page.index('<form class="like-form"', start) : page.index("</form>", start)]


def shared_copies() -> list[bytes]:
    """The text of the shared signed-in copies in the shared cache (Redis, or local memory's
    ":<version>:<key>" keys)."""
    keys_matching = getattr(cache, "keys", None)  # django-redis
    if keys_matching is not None:
        keys = keys_matching("signed-in:*")
    else:
        keys = [
            key.split(":", 2)[2]
            for key in cache._cache  # type: ignore[attr-defined]
            if key.split(":", 2)[2].startswith("signed-in:")
        ]
    # Stored cut at its markers: the texts between them (the markers hold nothing).
    return [b"".join(cache.get(key)[1][0]) for key in keys]


@pytest.fixture
def cards(principle):
    author = UserFactory()
    return [ReflectionFactory(author=author, principle=principle) for _ in range(3)]


class TestFilledPerViewer:
    def test_second_request_is_served_from_the_shared_copy(self, client, user, principle, cards):
        client.force_login(user)
        url = principle.get_absolute_url()
        assert client.get(url)["X-Page-Cache"] == "shared-miss"
        response = client.get(url)
        assert response["X-Page-Cache"] == "shared-hit"
        page = response.content.decode()
        assert _prefix() not in page
        assert user.get_absolute_url() in page
        # The submission token is fresh on every request, also from the shared copy.
        token = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
        assert token.search(page).group(1) != token.search(client.get(url).content.decode())

    def test_each_viewer_sees_their_own_like_state(self, client, principle, cards):
        liker, other = UserFactory(), UserFactory()
        like_set(user=liker, reflection=cards[0], liked=True)
        url = principle.get_absolute_url()
        for viewer, pressed in ((other, "false"), (liker, "true"), (other, "false")):
            client.force_login(viewer)
            page = client.get(url).content.decode()
            form = button(page, cards[0])
            assert f'aria-pressed="{pressed}"' in form
            assert ("已赞" in form) is (pressed == "true")
            assert '<span class="like-count" aria-label="点赞数">1</span>' in form
            assert 'aria-pressed="false"' in button(page, cards[1])

    def test_own_reflections_cannot_be_liked(self, client, principle, cards):
        url = principle.get_absolute_url()
        client.force_login(UserFactory())
        client.get(url)  # the shared copy, rendered for somebody else
        client.force_login(cards[0].author)
        page = client.get(url).content.decode()
        assert "disabled" in button(page, cards[0])
        client.force_login(UserFactory())
        assert "disabled" not in button(client.get(url).content.decode(), cards[0])

    def test_a_like_shows_on_the_next_request(self, client, user, principle, cards):
        client.force_login(user)
        url = principle.get_absolute_url()
        page = client.get(url).content.decode()
        client.get(url)
        response = client.post(
            reverse("experiences:reflection_like", args=[cards[1].pk]),
            {"action": "like", "next": url, "csrfmiddlewaretoken": TOKEN.search(page).group(1)},
        )
        assert response.status_code == 302
        form = button(client.get(url).content.decode(), cards[1])
        assert 'aria-pressed="true"' in form and ">1</span>" in form
        client.force_login(UserFactory())
        form = button(client.get(url).content.decode(), cards[1])
        assert 'aria-pressed="false"' in form and ">1</span>" in form

    def test_no_viewer_bit_is_stored_in_the_shared_copy(self, client, principle, cards):
        liker = UserFactory()
        like_set(user=liker, reflection=cards[0], liked=True)
        client.force_login(liker)
        page = client.get(principle.get_absolute_url()).content.decode()
        (stored,) = shared_copies()
        stored_text = stored.decode()
        assert TOKEN.search(page).group(1) not in stored_text
        assert "已赞" not in stored_text and liker.username not in stored_text
        assert 'aria-pressed="' not in stored_text

    def test_tokens_are_each_viewers_own(self, client, principle, cards):
        url = principle.get_absolute_url()
        tokens = []
        for viewer in (UserFactory(), UserFactory()):
            client.force_login(viewer)
            page = client.get(url).content.decode()
            tokens.append(set(TOKEN.findall(page)))
            # One token on the page (nav, every 点赞 form, the reflection form alike).
            assert len(tokens[-1]) == 1
            # ...and it is accepted: the like goes through.
            pk = cards[2].pk
            response = client.post(
                reverse("experiences:reflection_like", args=[pk]),
                {"action": "like", "csrfmiddlewaretoken": next(iter(tokens[-1]))},
            )
            assert response.status_code == 302
        assert tokens[0] != tokens[1]

    def test_flashed_messages_are_shown_once(self, client, principle, cards):
        author = cards[0].author
        client.force_login(author)
        url = principle.get_absolute_url()
        page = client.get(url).content.decode()
        # Liking one's own reflection is refused with a message for the next page.
        client.post(
            reverse("experiences:reflection_like", args=[cards[0].pk]),
            {"action": "like", "csrfmiddlewaretoken": TOKEN.search(page).group(1)},
        )
        response = client.get(url)
        assert "X-Page-Cache" not in response
        assert "不能给自己的心得点赞。" in response.content.decode()
        response = client.get(url)
        assert response["X-Page-Cache"] == "shared-hit"
        assert "不能给自己的心得点赞。" not in response.content.decode()


class TestUnforgeableMarkers:
    def test_text_that_looks_like_a_marker_stays_text(self, client, user, principle):
        fake = "kbv0123456789abcdef.csrf_ kbv0123456789abcdef.viewer-url_"
        reflection = ReflectionFactory(principle=principle, body=fake, title="标记")
        client.force_login(user)
        url = principle.get_absolute_url()
        client.get(url)
        page = client.get(url).content.decode()
        assert fake in page
        assert marker("csrf") not in page
        assert reflection.get_absolute_url() in page

    def test_a_copy_from_a_server_with_another_secret_key_is_not_used(
        self, client, user, principle, cards, settings
    ):
        client.force_login(user)
        url = principle.get_absolute_url()
        client.get(url)
        settings.SECRET_KEY = "another-" + settings.SECRET_KEY
        client.force_login(user)  # sessions are signed with the key too
        response = client.get(url)
        assert response["X-Page-Cache"] == "shared-miss"
        page = response.content.decode()
        assert TOKEN.search(page) and _prefix() not in page and "kbv" not in page


class TestViewerQuestions:
    """A template that asks about its viewer beyond the shared bits is not shared."""

    class StaffView(SignedInPageCacheMixin, View):
        def get(self, request):
            template = engines["django"].from_string(
                '{% if user.is_staff %}管理{% endif %}<a href="{{ user.get_absolute_url }}">我</a>'
            )
            return TemplateResponse(request, template, {})

    def get(self, user):
        request = RequestFactory().get("/staff-only/")
        request.COOKIES["sessionid"] = "x"
        request.session = {}
        request.user = user
        request._messages = messages.storage.default_storage(request)
        response = self.StaffView.as_view()(request)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.render()  # as the handler does after the view
        return response

    def test_rendered_for_each_viewer(self):
        staff, colleague = UserFactory(is_staff=True), UserFactory()
        for _ in range(2):
            response = self.get(staff)
            assert "X-Page-Cache" not in response
            assert "管理" in response.content.decode()
            assert staff.get_absolute_url() in response.content.decode()
            assert "管理" not in self.get(colleague).content.decode()

    class NameView(SignedInPageCacheMixin, View):
        """Puts the user's name in the context from Python, where no stand-in can see it."""

        def get(self, request):
            template = engines["django"].from_string("<p>{{ who }}</p>")
            return TemplateResponse(request, template, {"who": request.user.get_username()})

    def test_the_view_itself_renders_the_shared_copy_with_no_identity(self):
        first, second = UserFactory(), UserFactory()
        for viewer in (first, second):
            request = RequestFactory().get("/names/")
            request.COOKIES["sessionid"] = "x"
            request.session = {}
            request.user = viewer
            request._messages = messages.storage.default_storage(request)
            response = self.NameView.as_view()(request)
            assert response["X-Page-Cache"].startswith("shared")
            assert first.username not in response.content.decode()
            assert request.user == viewer  # given back after the render

    def test_anonymous_visitors_still_get_the_anonymous_cache(self):
        rendered = self.get(AnonymousUser())
        assert rendered["X-Page-Cache"] == "miss"
        cached = self.get(AnonymousUser())
        assert cached["X-Page-Cache"] == "hit"
        assert cached.content == rendered.content and "管理" not in cached.content.decode()


@pytest.mark.parametrize(
    "url_name", ["principle", "reflection_list", "home", "tag_detail"], ids=lambda n: n
)
def test_signed_in_query_count_is_constant(
    client, user, principle, django_assert_max_num_queries, url_name
):
    """Rendered: the session and the user (2), the page's own queries. From the shared
    copy, the first time under a version: the session and the user (2), the user's 点赞
    among the cards (1), on a principle also their 已学 and 收藏 of it (1); whether the
    viewer shares the page was settled by the rendered request. Later shared hits: the
    session and the user only (test below).
    The home page is the viewer's own (我的学习任务, 已学): always rendered."""
    principle.tags.add("沟通")

    def url():
        return {
            "principle": principle.get_absolute_url(),
            "reflection_list": reverse("experiences:reflection_list"),
            "home": "/",
            "tag_detail": reverse("experiences:tag_detail", args=["沟通"]),
        }[url_name]

    def add(count):
        author = UserFactory()
        for _ in range(count):
            reflection = ReflectionFactory(
                author=author, principle=principle, is_featured=True, tags=["沟通"]
            )
            like_set(user=user, reflection=reflection, liked=True)

    # Rendered: the session, the user, the page's own queries (as anonymous), the 点赞 of
    # the viewer, the header's unread count; on the list and a tag page also whether the
    # viewer sees more than the public reflections (their permissions, 2, and one EXISTS).
    rendered = {"principle": 17, "reflection_list": 10, "home": 16, "tag_detail": 13}[url_name]
    shared = {"principle": 4, "reflection_list": 3, "home": rendered, "tag_detail": 3}[url_name]
    client.force_login(user)
    add(2)
    with django_assert_max_num_queries(rendered):
        assert client.get(url()).status_code == 200
    with django_assert_max_num_queries(shared):
        page = client.get(url()).content.decode()
    assert 'aria-pressed="true"' in page
    add(25)
    with django_assert_max_num_queries(rendered):
        assert client.get(url()).status_code == 200
    with django_assert_max_num_queries(shared):
        page = client.get(url()).content.decode()
    assert page.count('aria-pressed="true"') >= 5


def test_search_shows_a_colleagues_own_pending_reflection_to_them_only(client, db):
    author, other = UserFactory(), UserFactory()
    # A newcomer's reflection waits for moderation; a staff member's is published at once.
    for writer, title in ((author, "待审的体会"), (UserFactory(is_staff=True), "公开的体会")):
        reflection_create(author=writer, principle=None, title=title, body="调研的体会。", tags=[])
    url = reverse("experiences:search") + "?q=%E4%BD%93%E4%BC%9A"  # 体会
    client.force_login(other)
    assert "待审的" not in client.get(url).content.decode()
    response = client.get(url)
    assert response["X-Page-Cache"] == "shared-hit"
    assert "公开的" in response.content.decode()
    client.force_login(author)
    page = client.get(url).content.decode()
    assert "待审的" in page and "仅自己可见" in page
    client.force_login(other)
    assert "待审的" not in client.get(url).content.decode()


def test_a_viewers_likes_are_kept_until_the_next_change(
    client, user, principle, cards, django_assert_max_num_queries
):
    """Looked up once per content version: the next request asks the database only for
    the session and the user (always from the database: a sign-out holds everywhere)."""
    client.force_login(user)
    url = reverse("experiences:reflection_list")
    client.get(url)
    client.get(url)
    with django_assert_max_num_queries(2):
        page = client.get(url).content.decode()
    assert 'aria-pressed="false"' in button(page, cards[0])
    like_set(user=user, reflection=cards[0], liked=True)
    assert 'aria-pressed="true"' in button(client.get(url).content.decode(), cards[0])
    like_set(user=user, reflection=cards[0], liked=False)
    assert 'aria-pressed="false"' in button(client.get(url).content.decode(), cards[0])


# ---- What is one colleague's own on shared pages (merged with drafts, 已学, 收藏, 学习专题,
# notifications): A's part never reaches B, whoever rendered the page first, and A keeps it.


def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page_of(client, url) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


class TestOwnPartsStayOwn:
    @pytest.fixture
    def pair(self, principle):
        return signed_in(UserFactory()), signed_in(UserFactory())

    def urls(self, principle):
        return [
            principle.get_absolute_url(),
            principle.essay.get_absolute_url(),
            reverse("experiences:reflection_list"),
            reverse("experiences:tag_list"),
            reverse("experiences:search") + "?q=%E5%8E%9F%E5%88%99",
            "/",
        ]

    def test_unread_count_is_each_viewers_own(self, principle):
        from tests.factories import NotificationFactory

        first, second = UserFactory(), UserFactory()
        NotificationFactory.create_batch(2, recipient=first)
        a, b = signed_in(first), signed_in(second)
        for url in self.urls(principle):
            for _ in range(2):  # rendered, then from the shared copy
                page, _ = page_of(a, url)
                assert '<span class="notifications-unread">2<' in page, url
                page, served = page_of(b, url)
                assert "notifications-unread" not in page, url
                # B is served A's shared copy; the home page is always rendered.
                assert served == ("" if url == "/" else "shared-hit"), url
        page, served = page_of(b, reverse("experiences:reflection_list"))
        assert served == "shared-hit" and "notifications-unread" not in page
        page, served = page_of(a, reverse("experiences:reflection_list"))
        assert served == "shared-hit" and '<span class="notifications-unread">2<' in page

    def test_draft_comes_back_to_its_writer_only(self, principle, pair):
        from tests.factories import DraftFactory

        a, b = pair
        url = principle.get_absolute_url()
        page_of(b, url)  # B's shared copy first
        DraftFactory(author=a_user(a), principle=principle, body="甲还没写完的心得")
        page, served = page_of(a, url)
        assert "甲还没写完的心得" in page and "已恢复" in page and not served
        for _ in range(2):
            page, served = page_of(b, url)
            assert "甲还没写完的心得" not in page and "已恢复" not in page
            assert served.startswith("shared")

    def test_own_pending_reflection_is_shown_to_its_author_only(self, principle, pair):
        a, b = pair
        url = principle.get_absolute_url()
        page_of(b, url)
        reflection_create(
            author=a_user(a), principle=principle, title="甲待审的心得", body="体会。", tags=[]
        )
        page, served = page_of(a, url)
        assert "甲待审的心得" in page and "badge-pending" in page and not served
        for _ in range(2):
            page, served = page_of(b, url)
            assert "甲待审的心得" not in page and "badge-pending" not in page
            assert served.startswith("shared")

    def test_read_and_bookmark_marks_are_each_viewers_own(self, principle, pair):
        from experiences.reading.services import principle_read_mark
        from tests.factories import BookmarkFactory

        a, b = pair
        url = principle.get_absolute_url()
        page_of(b, url)
        principle_read_mark(user=a_user(a), principle=principle)
        BookmarkFactory(user=a_user(a), principle=principle)
        # A viewer bit (reading/viewer_bits.py): A's page is the shared copy, filled for A.
        for _ in range(2):
            page, served = page_of(a, url)
            assert "read-done" in page and "is-bookmarked" in page and served == "shared-hit"
            page, served = page_of(b, url)
            assert "read-done" not in page and "is-bookmarked" not in page
            assert "标记为已学" in page and "bookmark-button" in page and served == "shared-hit"
        # 已学 n/m and ✓ 已学 on the home page: A's only.
        home = page_of(a, "/")[0]
        assert "已学 1/" in home and "badge-read" in home
        home = page_of(b, "/")[0]
        assert "已学 0/" in home and "已学 1/" not in home and "badge-read" not in home

    def test_study_topic_and_tasks_are_the_members_own(self, principle, pair):
        from tests.factories import StudyTopicFactory, unit_tree

        a, b = pair
        unit = unit_tree({"甲乡": {}})["甲乡"]
        member = a_user(a)
        member.org_unit = unit
        member.save()
        StudyTopicFactory(title="甲乡的学习专题", target_units=[unit])
        for url in (principle.get_absolute_url(), "/"):
            page_of(b, url)
            assert "甲乡的学习专题" in page_of(a, url)[0], url
            for _ in range(2):
                page, _ = page_of(b, url)
                assert "甲乡的学习专题" not in page and "我的学习任务" not in page, url

    def test_an_editor_previews_draft_essays_while_others_share_the_page(self, principle):
        from django.contrib.auth.models import Permission

        from tests.factories import EssayFactory, PrincipleFactory

        editor, reader = UserFactory(), UserFactory()
        editor.user_permissions.add(Permission.objects.get(codename="change_essay"))
        draft = PrincipleFactory(essay=EssayFactory(status="draft", title="未发布的文章"))
        e, r = signed_in(editor), signed_in(reader)
        for url in (draft.essay.get_absolute_url(), draft.get_absolute_url()):
            assert r.get(url).status_code == 404
            assert "未发布的文章" in page_of(e, url)[0]
            assert r.get(url).status_code == 404
        for url in (principle.essay.get_absolute_url(), principle.get_absolute_url()):
            page_of(r, url)
            assert page_of(r, url)[1] == "shared-hit"
            assert page_of(e, url)[1] == ""  # rendered for the editor

    def test_a_reflection_hidden_by_reports_shows_to_its_author_and_moderators_only(
        self, principle, pair, moderator
    ):
        a, b = pair
        url = principle.get_absolute_url()
        page_of(b, url)
        ReflectionFactory(
            author=a_user(a), principle=principle, title="被举报隐藏的心得", flag_hidden=True
        )
        for _ in range(2):
            assert "被举报隐藏的心得" in page_of(a, url)[0]
            page, served = page_of(b, url)
            assert "被举报隐藏的心得" not in page and served.startswith("shared")
            page, served = page_of(signed_in(moderator), url)
            assert "被举报隐藏的心得" in page and not served


def a_user(client):
    """The user a test client is signed in as."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize(
    "url_name", ["principle", "essay", "reflection_list", "tag_list", "tag_detail", "search"]
)
def test_the_shared_copy_is_the_page_the_viewer_would_get_rendered(
    principle, cards, monkeypatch, url_name
):
    """Byte for byte, apart from the fresh tokens: for a colleague with 点赞, an unread
    notification and a liked card, the shared copy filled in equals the page rendered for
    them (what they saw before pages were shared)."""
    from tests.factories import NotificationFactory

    principle.tags.add("沟通")
    viewer = UserFactory()
    NotificationFactory(recipient=viewer)
    like_set(user=viewer, reflection=cards[1], liked=True)
    url = {
        "principle": principle.get_absolute_url(),
        "essay": principle.essay.get_absolute_url(),
        "reflection_list": reverse("experiences:reflection_list"),
        "tag_list": reverse("experiences:tag_list"),
        "tag_detail": reverse("experiences:tag_detail", args=["沟通"]),
        "search": reverse("experiences:search") + "?q=%E5%8E%9F%E5%88%99",
    }[url_name]
    client = signed_in(viewer)
    page_of(client, url)
    shared, served = page_of(client, url)
    assert served == "shared-hit"
    # What is kept about the viewer is asked again (as after any change of theirs).
    viewer_state_changed(user_ids=[viewer.pk])
    monkeypatch.setattr(SignedInPageCacheMixin, "viewer_shares_page", lambda self, request: False)
    for view in SignedInPageCacheMixin.__subclasses__():
        monkeypatch.setattr(view, "viewer_shares_page", lambda self, request: False, raising=False)
    rendered, served = page_of(client, url)
    assert served == ""

    def tokens_out(page: str) -> str:
        page = TOKEN.sub('name="csrfmiddlewaretoken" value="-"', page)
        return re.sub(r'name="submission_token" value="[0-9a-f-]{36}"', "submission_token", page)

    assert tokens_out(shared) == tokens_out(rendered)
    assert "notifications-unread" in shared
