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
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from experiences.core.caching import local_pages
from experiences.core.shared_pages import SignedInPageCacheMixin, _prefix, marker
from experiences.reflections.services import like_set, reflection_create
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def button(page: str, reflection) -> str:
    """The 点赞 form of ``reflection``'s card."""
    start = page.index(f'id="reflection-{reflection.pk}"')
    return page[page.index('<form class="like-form"', start) : page.index("</form>", start)]


def shared_copies() -> list[bytes]:
    return [body for key, (_, body, _) in local_pages.pages.items() if key.startswith("signed")]


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
        response = self.get(AnonymousUser())
        assert response.status_code == 200


@pytest.mark.parametrize(
    "url_name", ["principle", "reflection_list", "home", "tag_detail"], ids=lambda n: n
)
def test_signed_in_query_count_is_constant(
    client, user, principle, django_assert_max_num_queries, url_name
):
    """Rendered: the page's own queries. From the shared copy: the user, the user's 点赞."""
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

    # Rendered: the user, the page's own queries (as anonymous), the 点赞 of the viewer.
    rendered = {"principle": 11, "reflection_list": 5, "home": 8, "tag_detail": 8}[url_name]
    client.force_login(user)
    add(2)
    with django_assert_max_num_queries(rendered):
        assert client.get(url()).status_code == 200
    with django_assert_max_num_queries(2):
        page = client.get(url()).content.decode()
    assert 'aria-pressed="true"' in page
    add(25)
    with django_assert_max_num_queries(rendered):
        assert client.get(url()).status_code == 200
    with django_assert_max_num_queries(2):
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
    """Looked up once per content version: the next request asks only for the user."""
    client.force_login(user)
    url = principle.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(1):
        page = client.get(url).content.decode()
    assert 'aria-pressed="false"' in button(page, cards[0])
    like_set(user=user, reflection=cards[0], liked=True)
    assert 'aria-pressed="true"' in button(client.get(url).content.decode(), cards[0])
    like_set(user=user, reflection=cards[0], liked=False)
    assert 'aria-pressed="false"' in button(client.get(url).content.decode(), cards[0])
