"""Tags as a way to browse: tag pages, input parsing, suggestions, seed tags, merging."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from experiences.essays.models import Principle
from experiences.essays.seed import SEED_TAGS
from experiences.reflections.models import ModerationLog, Reflection
from experiences.search.models import SearchDocument
from experiences.search.query import query_parse, search_run
from experiences.tagging.services import tags_parse
from tests.conftest import SEED_PATH
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("群众工作,党性原则", ["群众工作", "党性原则"]),
        ("群众工作,党性原则、沟通", ["群众工作", "党性原则", "沟通"]),
        ("  群众工作  沟通 ", ["群众工作", "沟通"]),
        ("沟通;心态;沟通", ["沟通", "心态"]),
        ("Party, party", ["Party"]),
        ("#抓落实", ["抓落实"]),
        (",,、 ", []),
    ],
)
def test_tags_parse(typed, expected):
    assert tags_parse(typed) == expected


def test_tag_list_counts_only_visible_uses(client, principle):
    principle.tags.add("群众工作")
    ReflectionFactory(principle=principle, tags=["群众工作", "沟通"])
    ReflectionFactory(principle=principle, tags=["只在待审"], status="pending")
    page = client.get(reverse("experiences:tag_list")).content.decode()
    assert '群众工作 <span class="tag-count">2</span>' in page
    assert '沟通 <span class="tag-count">1</span>' in page
    assert "只在待审" not in page


def test_tag_page_with_chinese_name(client, principle):
    principle.tags.add("党性原则")
    ReflectionFactory(principle=principle, title="公开的", tags=["党性原则"])
    ReflectionFactory(principle=principle, title="待审的", tags=["党性原则"], status="pending")
    ReflectionFactory(principle=principle, title="别的标签", tags=["沟通"])
    response = client.get("/tags/党性原则/")
    assert response.status_code == 200
    page = response.content.decode()
    assert principle.get_absolute_url() in page
    assert "公开的" in page and "待审的" not in page and "别的标签" not in page
    assert client.get("/tags/不存在/").status_code == 404
    assert client.get("/tags/党性原则/", {"page": "abc"}).status_code == 200


def test_tag_pages_paginate_and_stay_constant(client, principle, django_assert_max_num_queries):
    for _ in range(3):
        ReflectionFactory(principle=principle, tags=["沟通"])
    with django_assert_max_num_queries(8):
        client.get("/tags/沟通/")
    for index in range(25):
        ReflectionFactory(principle=principle, tags=["沟通", f"别的{index}"])
    with django_assert_max_num_queries(8):
        page = client.get("/tags/沟通/").content.decode()
    assert "第 1 / 2 页" in page
    with django_assert_max_num_queries(4):
        assert client.get(reverse("experiences:tag_list")).status_code == 200


def test_tags_link_to_tag_pages(client, principle):
    principle.tags.add("沟通")
    page = client.get(principle.get_absolute_url()).content.decode()
    assert 'href="/tags/%E6%B2%9F%E9%80%9A/"' in page


def test_reflection_form_suggests_existing_tags(client, user, principle):
    principle.tags.add("群众工作")
    client.force_login(user)
    page = client.get(reverse("experiences:reflection_create")).content.decode()
    assert 'list="tag-suggestions"' in page
    assert '<datalist id="tag-suggestions"><option value="群众工作">' in page


def test_seed_principles_carry_meaningful_tags(tmp_path):
    tags_file = SEED_TAGS
    call_command("import_essay", str(SEED_PATH), "--tags", str(tags_file), stdout=StringIO())
    mapping = json.loads(Path(tags_file).read_text(encoding="utf-8"))
    assert len(mapping) == 4
    for principle in Principle.objects.all():
        assert set(principle.tags.names()) == set(mapping[principle.slug])
    assert "群众工作" in set(Principle.objects.get(position=1).tags.names())
    out = StringIO()
    call_command("import_essay", str(SEED_PATH), "--tags", str(tags_file), stdout=out)
    assert "已是最新" in out.getvalue()
    assert SearchDocument.objects.filter(kind="tag", title="党性原则").exists()


class TestMerge:
    def test_merge_moves_every_item_once_and_removes_the_sources(self, admin_client, principle):
        principle.tags.add("群众工作", "群众")
        both = ReflectionFactory(principle=principle, tags=["群众", "群众工作"])
        only_old = ReflectionFactory(principle=principle, tags=["群众路线"])
        sources = Tag.objects.filter(name__in=["群众", "群众路线"])
        target = Tag.objects.get(name="群众工作")
        url = reverse("admin:taggit_tag_changelist")
        selected = [*sources.values_list("pk", flat=True), target.pk]
        page = admin_client.post(url, {"action": "merge", "_selected_action": selected})
        assert "合并到" in page.content.decode()
        response = admin_client.post(
            url,
            {"action": "merge", "_selected_action": selected, "apply": "1", "target": target.pk},
            follow=True,
        )
        assert "已把 2 个标签合并到“群众工作”" in response.content.decode()
        assert set(Tag.objects.values_list("name", flat=True)) == {"群众工作"}
        assert list(principle.tags.names()) == ["群众工作"]
        assert list(both.tags.names()) == ["群众工作"]
        assert list(only_old.tags.names()) == ["群众工作"]
        assert ModerationLog.objects.filter(action="merge_tags").exists()
        # The search index follows: the old name no longer finds a tag result.
        assert not SearchDocument.objects.filter(kind="tag", title="群众").exists()
        results = search_run(query=query_parse("群众工作"), kind="reflection")
        assert {d.reflection_id for d in results} >= {both.pk, only_old.pk}

    def test_moderators_may_merge_editors_may_not(self, client, principle, roles):
        from django.contrib.auth.models import Group

        principle.tags.add("甲", "乙")
        selected = list(Tag.objects.values_list("pk", flat=True))
        target = Tag.objects.get(name="甲").pk
        url = reverse("admin:taggit_tag_changelist")
        editor = UserFactory(is_staff=True)
        editor.groups.add(Group.objects.get(name="编辑"))
        client.force_login(editor)
        client.post(
            url, {"action": "merge", "_selected_action": selected, "apply": "1", "target": target}
        )
        assert Tag.objects.count() == 2
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="版主"))
        client.force_login(moderator)
        client.post(
            url, {"action": "merge", "_selected_action": selected, "apply": "1", "target": target}
        )
        assert list(Tag.objects.values_list("name", flat=True)) == ["甲"]


def test_reflection_tags_survive_in_reflection_list_filter(client, principle):
    ReflectionFactory(principle=principle, title="带标签", tags=["沟通"])
    page = client.get(reverse("experiences:reflection_list"), {"tag": "沟通"}).content.decode()
    assert "带标签" in page
    assert Reflection.objects.count() == 1


def test_tag_suggestions_are_computed_once_per_content_version(user, seed_essay):
    """The GROUP BY behind the suggestions runs once until something changes; then at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from experiences.reflections.forms import ReflectionForm

    seed_essay.principles.first().tags.add("群众工作")
    assert "群众工作" in ReflectionForm().tag_suggestions
    with CaptureQueriesContext(connection) as queries:
        assert "群众工作" in ReflectionForm().tag_suggestions
    assert not [q for q in queries.captured_queries if "taggit_tag" in q["sql"]]
    # A new public tag shows in the very next form.
    ReflectionFactory(author=user).tags.add("新来的标签")
    assert "新来的标签" in ReflectionForm().tag_suggestions
