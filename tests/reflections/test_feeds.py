"""Discovery: Atom feeds, sitemap.xml, robots.txt; never pending, rejected or draft content."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from experiences.core.text import xml_clean
from experiences.essays.models import Essay
from tests.factories import (
    EssayFactory,
    LikeFactory,
    PrincipleFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(principle):
    principle.tags.add("沟通")
    return {
        "published": ReflectionFactory(principle=principle, title="公开心得", tags=["沟通"]),
        "pending": ReflectionFactory(
            principle=principle, title="待审心得", tags=["沟通"], status="pending"
        ),
        "rejected": ReflectionFactory(principle=principle, title="驳回心得", status="rejected"),
        "draft_principle": PrincipleFactory(
            essay=EssayFactory(title="草稿文章", slug="草稿文章", status=Essay.Status.DRAFT),
            baseline="草稿甲",
            emphasis="草稿乙",
        ),
    }


@pytest.mark.parametrize(
    "url",
    ["/feeds/reflections/", "feed_principle", "/feeds/tags/沟通/"],
)
def test_atom_feeds(client, content, principle, url):
    if url == "feed_principle":
        url = reverse("experiences:feed_principle", args=[principle.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "公开心得" in body
    assert "待审心得" not in body and "驳回心得" not in body


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("feed", ["feed_reflections", "feed_principle", "feed_tag"])
def test_feeds_survive_control_characters_stored_before_cleaning(client, principle, feed):
    # Saved through the ORM, as rows from before the forms cleaned input (or the admin) are.
    author = UserFactory(username="y2", display_name="y2\x1b名")
    tag = "沟\x1b通"
    ReflectionFactory(
        author=author, principle=principle, title="标题\x0b\ufffe一", tags=[tag, "沟通"]
    )
    args = {"feed_reflections": [], "feed_principle": [principle.pk], "feed_tag": [tag]}[feed]
    response = client.get(reverse(f"experiences:{feed}", args=args))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "y2名"
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "标题一"
    if feed == "feed_tag":
        assert "沟通" in root.find(f"{ATOM}title").text


def test_xml_clean_keeps_what_xml_carries():
    assert xml_clean("a\tb\nc\rd\x00\x1b\x7f\ufffe\uffff\ud800名") == "a\tb\nc\rd\x7f名"


def test_feeds_are_linked_from_pages(client, content, principle):
    assert 'type="application/atom+xml"' in client.get("/").content.decode()
    page = client.get(principle.get_absolute_url()).content.decode()
    assert reverse("experiences:feed_principle", args=[principle.pk]) in page
    assert "/feeds/tags/" in client.get("/tags/沟通/").content.decode()


def test_feed_of_unknown_or_draft_principle_is_404(client, content):
    assert client.get("/feeds/principles/999999/").status_code == 404
    draft = content["draft_principle"]
    assert client.get(reverse("experiences:feed_principle", args=[draft.pk])).status_code == 404


def test_sitemap_lists_public_content_only(client, content, seed_essay, principle):
    body = client.get("/sitemap.xml").content.decode()
    assert seed_essay.get_absolute_url() in body
    assert principle.get_absolute_url() in body
    assert "/tags/%E6%B2%9F%E9%80%9A/" in body
    assert content["published"].get_absolute_url() in body
    assert content["pending"].get_absolute_url() not in body
    assert content["rejected"].get_absolute_url() not in body
    assert content["draft_principle"].get_absolute_url() not in body
    assert "%E8%8D%89%E7%A8%BF" not in body  # 草稿


def test_robots_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://kb.example.cn"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://kb.example.cn/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


class TestExport:
    def export(self, admin_client, action, reflections):
        return admin_client.post(
            reverse("admin:experiences_reflection_changelist"),
            {"action": action, "_selected_action": [r.pk for r in reflections]},
        )

    def test_csv_with_bom_for_excel(self, admin_client, content):
        LikeFactory.create_batch(2, reflection=content["published"])
        response = self.export(
            admin_client, "export_csv", [content["published"], content["pending"]]
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment;" in response["Content-Disposition"]
        raw = response.content
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [row["标题"] for row in rows] == ["公开心得"]
        assert rows[0]["点赞数"] == "2" and rows[0]["标签"] == "沟通"
        assert rows[0]["链接"].endswith(content["published"].get_absolute_url())

    def test_json(self, admin_client, content):
        response = self.export(
            admin_client, "export_json", [content["published"], content["rejected"]]
        )
        data = json.loads(response.content.decode("utf-8"))
        assert [item["标题"] for item in data] == ["公开心得"]
        assert "\\u" not in response.content.decode()  # readable Chinese

    def test_plain_users_cannot_export(self, client, content):
        client.force_login(UserFactory())
        response = self.export(client, "export_csv", [content["published"]])
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
