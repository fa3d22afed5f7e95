"""Share cards: every public page carries og:* tags and a description, the same for everyone."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from experiences.essays.models import Essay
from tests.admin_forms import principle_form
from tests.factories import EssayFactory, PrincipleFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

OG = ("og:title", "og:description", "og:image", "og:url", "og:type")


def meta(body, name):
    attribute = "property" if name.startswith("og:") else "name"
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', body)
    assert len(found) == 1, (name, found)
    return html.unescape(found[0])


def test_every_public_page_has_a_share_card(client, principle, settings):
    reflection = ReflectionFactory(principle=principle, title="我的体会")
    principle.tags.add("沟通")
    author = reflection.author
    for url in (
        "/",
        principle.get_absolute_url(),
        principle.essay.get_absolute_url(),
        reflection.get_absolute_url(),
        "/reflections/",
        "/tags/",
        "/tags/沟通/",
        "/search/?q=原则",
        author.get_absolute_url(),
        "/accounts/privacy/",
        "/accounts/login/",
    ):
        body = client.get(url).content.decode()
        for name in OG:
            assert meta(body, name), (url, name)
        assert meta(body, "og:url").startswith(settings.SITE_URL + "/")
        assert meta(body, "og:image").startswith(settings.SITE_URL + "/share/")
        assert meta(body, "description")


def test_principle_card(client, principle, settings):
    body = client.get(principle.get_absolute_url()).content.decode()
    assert meta(body, "og:title") == "既要「人情世故」\uff0c更要「坚定原则」"
    assert meta(body, "og:type") == "article"
    url = meta(body, "og:url")
    assert url == settings.SITE_URL + iri_to_uri(principle.get_absolute_url())
    assert "%E5%9D%9A%E5%AE%9A%E5%8E%9F%E5%88%99" in url  # 坚定原则, percent-encoded
    description = meta(body, "og:description")
    assert description == meta(body, "description")
    assert "<" not in description and len(description) <= 121
    assert description.startswith(principle.paragraphs[0][:20].replace(",", "\uff0c"))
    image = meta(body, "og:image")
    assert image.startswith(
        f"{settings.SITE_URL}{reverse('experiences:share_principle_image', args=[principle.pk])}?v="
    )


def test_essay_card(client, seed_essay):
    body = client.get(seed_essay.get_absolute_url()).content.decode()
    assert meta(body, "og:title") == seed_essay.title
    assert "/share/essays/" in meta(body, "og:image")
    assert meta(body, "og:description")


def test_reflection_card_is_a_plain_excerpt(client, principle):
    reflection = ReflectionFactory(
        principle=principle, title="标题", body="**加粗**的<script>alert(1)</script>体会"
    )
    body = client.get(reflection.get_absolute_url()).content.decode()
    assert meta(body, "og:title") == "标题"
    # Markdown dropped, typed markup kept as text, and escaped in the attribute.
    assert meta(body, "og:description") == "加粗的<script>alert(1)</script>体会"
    assert "<script>" not in body
    # Its principle's image.
    assert f"/share/principles/{principle.pk}.png?v=" in meta(body, "og:image")


def test_pending_reflection_gets_no_card_of_its_own(client, principle):
    author = UserFactory()
    reflection = ReflectionFactory(
        principle=principle, author=author, title="待审的标题", status="pending"
    )
    client.force_login(author)
    body = client.get(reflection.get_absolute_url()).content.decode()
    assert meta(body, "og:title") == "基层心得知识库"
    assert "扫码阅读" not in body and f"/r/{reflection.pk}" not in body


def test_image_url_changes_with_the_principle_text(client, admin_client, principle):
    def image():
        return meta(client.get(principle.get_absolute_url()).content.decode(), "og:image")

    before = image()
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    assert admin_client.post(url, principle_form(principle, emphasis="坚守底线")).status_code == 302
    principle.refresh_from_db()
    assert image() != before


def test_card_query_count_is_constant(client, django_assert_max_num_queries):
    """The card costs no query of its own: the counts stay what the pages had, as data grows."""
    essay = EssayFactory(status=Essay.Status.PUBLISHED)
    principles = PrincipleFactory.create_batch(3, essay=essay)
    user = UserFactory()
    reflections = [ReflectionFactory(principle=principles[1]) for _ in range(3)]

    def counts():
        # Cold caches each time (content-version suggestions, the unread count): like for like.
        cache.clear()
        found = {}
        for url in (
            essay.get_absolute_url(),
            principles[1].get_absolute_url(),
            reflections[0].get_absolute_url(),
        ):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[url] = len(queries)
        return found

    client.force_login(user)
    small = counts()
    PrincipleFactory.create_batch(20, essay=essay)
    for _ in range(20):
        ReflectionFactory(principle=principles[1])
    assert counts() == small
    with django_assert_max_num_queries(13):
        client.get(principles[1].get_absolute_url())
