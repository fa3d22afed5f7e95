"""Search result snippets show Chinese punctuation, as the principle page does."""

import pytest
from django.urls import reverse

from experiences.search.indexing import search_index_principle
from experiences.search.snippets import snippet_highlight

pytestmark = pytest.mark.django_db


def test_snippet_turns_ascii_marks_inside_chinese_full_width():
    html = snippet_highlight("放下官架子,在增进与群众的感情上多下功夫,既要", ["感情"])
    assert html == "放下官架子\uff0c在增进与群众的<mark>感情</mark>上多下功夫\uff0c既要"
    # A mark at the window's edge still has Chinese on both sides in the whole text.
    long = "甲" * 200 + "在增进与群众的感情上多下功夫,既要" + "乙" * 200
    assert ",既要" not in snippet_highlight(long, ["感情"])
    # Latin text, numbers and times keep their ASCII marks.
    assert snippet_highlight("at 3:30, ok", ["ok"]) == "at 3:30, <mark>ok</mark>"


def test_search_page_snippet_of_the_seed_essay(client, seed_essay):
    for principle in seed_essay.principles.all():
        search_index_principle(principle=principle)
    page = client.get(reverse("experiences:search"), {"q": "感情"}).content.decode()
    assert "多下功夫\uff0c既要" in page
    assert "多下功夫,既要" not in page
