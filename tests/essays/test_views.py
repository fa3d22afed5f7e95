"""The reading pages as a visitor sees them: content, structure, 404s, query counts."""

import html
import re
from urllib.parse import unquote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from experiences.core.punctuation import cjk_punctuate
from experiences.essays.models import Essay
from tests.essays.fidelity import assert_essay_fidelity
from tests.factories import (
    EssayFactory,
    PrincipleFactory,
    QuotationFactory,
    ReflectionFactory,
    RelatedReadingFactory,
)

pytestmark = pytest.mark.django_db


def visible_text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, whitespace removed."""
    text = re.sub(r"<[^>]+>", "", markup)
    return re.sub(r"\s+", "", html.unescape(text))


def article_of(response, css_class: str) -> str:
    markup = response.content.decode()
    start = markup.index(f'<article class="{css_class}">')
    return markup[start : markup.index("</article>", start)]


class TestHome:
    def test_shows_opening_pairs_and_related_reading(self, client, seed_essay):
        response = client.get(reverse("experiences:home"))
        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="zh-Hans">' in page
        assert 'name="viewport"' in page
        assert "乡镇是行政层级的末端" in page
        for principle in seed_essay.principles.all():
            assert principle.get_absolute_url() in page
            assert f"{principle.baseline}</span>" in page
            assert f"{principle.emphasis}</span>" in page
        assert "基层干部工作心得体会" in page
        assert "基层干部培训心得体会" in page
        # The essay's own entry is not listed as related reading.
        assert page.count("做好基层工作的基本条件") == 1
        assert "我有幸做为一名乡镇干部" in page

    def test_pairs_in_order(self, client, seed_essay):
        page = visible_text(client.get("/").content.decode())
        positions = [
            page.index(f"既要{b}更要{e}")
            for b, e in [
                ("人情世故", "坚定原则"),
                ("苦口婆心", "甜嘴公心"),
                ("多面手", "专一招"),
                ("问题意识", "过程哲学"),
            ]
        ]
        assert positions == sorted(positions)

    def test_empty_site_explains_itself(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert "还没有发布的文章" in response.content.decode()

    def test_draft_essays_are_not_shown(self, client):
        EssayFactory(title="草稿文章", status=Essay.Status.DRAFT)
        assert "草稿文章" not in client.get("/").content.decode()

    def test_query_count_does_not_grow(self, client, django_assert_max_num_queries):
        def build(principle_count):
            essay = EssayFactory()
            for _ in range(principle_count):
                principle = PrincipleFactory(essay=essay)
                principle.tags.add("群众工作", "党性原则", f"标签{principle.pk}")
            RelatedReadingFactory.create_batch(principle_count, essay=essay)
            return essay

        # The featured essay (4), the essay index's count, page and pairs (3), 精选心得 (1).
        build(2)
        with django_assert_max_num_queries(8):
            assert client.get("/").status_code == 200
        build(30)
        for _ in range(12):
            build(3)
        with django_assert_max_num_queries(8):
            assert client.get("/").status_code == 200


class TestPrinciplePage:
    def test_heading_paragraphs_quotations_tags_neighbours(self, client, seed_essay):
        principle = seed_essay.principles.get(position=2)
        principle.tags.add("沟通", "心态")
        response = client.get(principle.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        text = visible_text(page)
        assert "既要「苦口婆心」\uff0c更要「甜嘴公心」" in text
        assert "群众是个大群体" in text
        assert "只要拥有一颗小小的“公心”" in text
        # Nothing of the neighbours' paragraphs.
        assert "上面千条线" not in text
        assert "那么你我就会得到群众信任" not in text
        assert re.search(
            "<blockquote><p>一个健全的心态\uff0c比一百种智慧更有力量。</p></blockquote>", page
        )
        assert "—— 狄更斯" in page
        assert "—— 俗语" in page
        assert 'href="/tags/%E6%B2%9F%E9%80%9A/">沟通</a>' in page
        previous = seed_essay.principles.get(position=1)
        following = seed_essay.principles.get(position=3)
        assert f'rel="prev" href="{previous.get_absolute_url()}"' in page
        assert f'rel="next" href="{following.get_absolute_url()}"' in page

    def test_first_and_last_have_one_neighbour(self, client, seed_essay):
        first = client.get(
            seed_essay.principles.get(position=1).get_absolute_url()
        ).content.decode()
        last = client.get(seed_essay.principles.get(position=4).get_absolute_url()).content.decode()
        assert 'rel="prev"' not in first and 'rel="next"' in first
        assert 'rel="next"' not in last and 'rel="prev"' in last

    def test_url_is_stable_and_readable(self, client, seed_essay):
        principle = seed_essay.principles.get(position=1)
        url = principle.get_absolute_url()
        assert unquote(url) == "/essays/基层干部的心得体会/人情世故-坚定原则/"
        assert client.get(unquote(url)).status_code == 200

    def test_unknown_and_draft_principles_are_404_in_chinese(self, client, seed_essay):
        response = client.get("/essays/基层干部的心得体会/不存在/")
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
        seed_essay.status = Essay.Status.DRAFT
        seed_essay.save()
        principle = seed_essay.principles.first()
        assert client.get(principle.get_absolute_url()).status_code == 404

    def test_query_count_does_not_grow(self, client, django_assert_max_num_queries):
        essay = EssayFactory()
        principles = PrincipleFactory.create_batch(3, essay=essay)
        target = principles[1]
        QuotationFactory.create_batch(2, principle=target)
        target.tags.add("甲", "乙")
        ReflectionFactory(principle=target, tags=["甲"])
        with django_assert_max_num_queries(8):
            client.get(target.get_absolute_url())
        PrincipleFactory.create_batch(30, essay=essay)
        QuotationFactory.create_batch(20, principle=target)
        target.tags.add(*[f"标签{i}" for i in range(20)])
        for index in range(15):
            ReflectionFactory(principle=target, tags=[f"心得标签{index}"])
        with django_assert_max_num_queries(8):
            assert client.get(target.get_absolute_url()).status_code == 200


class TestEssayPage:
    def test_every_sentence_once_in_order(self, client, seed_essay, seed_text):
        response = client.get(seed_essay.get_absolute_url())
        assert response.status_code == 200
        assert_essay_fidelity(response.content.decode(), seed_text)

    def test_punctuation_shown_full_width_but_stored_as_received(
        self, client, seed_essay, seed_text
    ):
        assert seed_essay.source_text == seed_text
        opening = seed_essay.opening
        assert "末端,是党执政大厦的地基" in opening
        page = client.get(seed_essay.get_absolute_url()).content.decode()
        assert "末端\uff0c是党执政大厦的地基" in page
        assert "末端,是党执政大厦的地基" not in page

    def test_principle_headings_link_to_their_pages(self, client, seed_essay):
        page = client.get(seed_essay.get_absolute_url()).content.decode()
        for principle in seed_essay.principles.all():
            heading = cjk_punctuate(principle.heading)
            assert f'<a href="{principle.get_absolute_url()}">{heading}</a>' in page

    def test_query_count_does_not_grow(self, client, django_assert_max_num_queries):
        essay = EssayFactory()
        PrincipleFactory.create_batch(2, essay=essay)
        with django_assert_max_num_queries(3):
            client.get(essay.get_absolute_url())
        PrincipleFactory.create_batch(40, essay=essay)
        RelatedReadingFactory.create_batch(10, essay=essay)
        with django_assert_max_num_queries(3):
            assert client.get(essay.get_absolute_url()).status_code == 200

    def test_draft_essay_is_404(self, client):
        essay = EssayFactory(status=Essay.Status.DRAFT)
        assert client.get(essay.get_absolute_url()).status_code == 404


def test_server_error_page_is_chinese():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page
    assert 'lang="zh-Hans"' in page
    assert "Traceback" not in page


def test_static_css_is_linked(client, seed_essay):
    assert "/static/css/site.css" in client.get("/").content.decode()
