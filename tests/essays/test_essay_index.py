"""Home's essay index (a card per essay with its pairs, newest first, paginated) and the
essay page's table of contents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from experiences.essays.models import Essay
from tests.factories import EssayFactory, PrincipleFactory

pytestmark = pytest.mark.django_db


def essays_made(count, *, start=None):
    start = start or timezone.now() - timedelta(days=100)
    essays = []
    for index in range(count):
        essay = EssayFactory(title=f"文章{index:02d}")
        PrincipleFactory(essay=essay, baseline=f"底线{index:02d}", emphasis=f"重点{index:02d}")
        Essay.objects.filter(pk=essay.pk).update(created_at=start + timedelta(days=index))
        essays.append(essay)
    return essays


def index_of(page: str) -> str:
    start = page.index('<section class="essay-index"')
    return page[start : page.index("</section>", start)]


def test_one_essay_has_no_index(client, seed_essay):
    assert "essay-index" not in client.get("/").content.decode()


def test_second_essay_gets_a_card_with_its_pairs_newest_first(client, seed_essay):
    Essay.objects.filter(pk=seed_essay.pk).update(created_at=timezone.now() - timedelta(days=9))
    newer = EssayFactory(title="新的心得体会")
    PrincipleFactory(essay=newer, baseline="守正", emphasis="创新")
    page = client.get("/").content.decode()
    # The founding essay is still presented in full at the top.
    assert page.index("基层干部的心得体会") < page.index('class="essay-index"')
    index = index_of(page)
    assert "全部文章\uff082 篇\uff09" in index
    assert index.index("新的心得体会") < index.index("基层干部的心得体会")
    principle = newer.principles.get()
    assert principle.get_absolute_url() in index
    assert "守正" in index and "创新" in index
    for seed_principle in seed_essay.principles.all():
        assert seed_principle.get_absolute_url() in index


def test_drafts_are_not_indexed(client, seed_essay):
    EssayFactory(title="草稿里的文章", status=Essay.Status.DRAFT)
    EssayFactory(title="已发布的文章")
    index = index_of(client.get("/").content.decode())
    assert "已发布的文章" in index and "草稿里的文章" not in index


def test_index_is_paginated(client):
    essays_made(23)
    first = index_of(client.get("/").content.decode())
    assert "文章22" in first and "文章13" in first and "文章12" not in first
    assert "第 1 / 3 页" in first
    page2 = client.get("/?page=2").content.decode()
    assert "文章12" in index_of(page2) and "文章03" in index_of(page2)
    assert '<h1 id="essay-index-heading">' in page2
    # Page 2 is the index only, not the featured essay again.
    assert 'class="essay-intro"' not in page2
    assert "文章00" in index_of(client.get("/?page=3").content.decode())
    assert "文章00" in index_of(client.get("/?page=999").content.decode())
    assert client.get("/?page=abc").status_code == 200


def test_essay_page_table_of_contents(client, seed_essay):
    page = client.get(seed_essay.get_absolute_url()).content.decode()
    toc = page[page.index('<nav class="essay-toc"') : page.index("</nav>", page.index("essay-toc"))]
    for principle in seed_essay.principles.all():
        assert f'href="#principle-{principle.position}"' in toc
        assert f'id="principle-{principle.position}"' in page
        assert principle.baseline in toc and principle.emphasis in toc
    assert 'href="#closing"' in toc and 'id="closing"' in page
    # The contents come before the essay's first principle.
    assert page.index("essay-toc") < page.index('id="principle-1"')
