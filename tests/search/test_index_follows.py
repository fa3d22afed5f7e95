"""Every write path keeps the search index and the cached pages right.

Services, admin forms, inlines, actions and views all change content; the
receivers in search/receivers.py see each of them, and each path outdates cached
pages in the open (core/caching.py's pages_changed). One test per write path: what
was written is found, what was removed is not, and the anonymous page cache's
version moves.
"""

import pytest
from django.urls import reverse
from taggit.models import Tag

from experiences.core.caching import content_version
from experiences.essays.models import Quotation, RelatedReading
from experiences.reflections.models import ModerationLog, Reflection
from experiences.search.query import query_parse, search_run
from tests.admin_forms import essay_form, principle_form, tag_form
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def found(words: str, user=None) -> list[str]:
    return [f"{doc.kind}:{doc.title}" for doc in search_run(query=query_parse(words), user=user)]


@pytest.fixture
def principle(seed_essay):
    return seed_essay.principles.get(position=2)


class Bump:
    """Asserts the anonymous page-cache version moved during the block."""

    def __enter__(self):
        self.before = content_version()
        return self

    def __exit__(self, *exc):
        assert content_version() != self.before, "cached pages were not invalidated"


def test_quotation_edited_in_its_admin_page_is_findable(admin_client, principle):
    quotation = principle.quotations.first()
    url = reverse("admin:experiences_quotation_change", args=[quotation.pk])
    data = {
        "principle": principle.pk,
        "position": quotation.position,
        "text": "实事求是地推进乡村振兴。",
        "source": quotation.source,
    }
    assert f"principle:{principle.label}" not in found("乡村振兴")
    with Bump():
        assert admin_client.post(url, data).status_code == 302
    assert f"principle:{principle.label}" in found("乡村振兴")


def test_quotation_edited_inline_on_its_principle_is_findable(admin_client, principle):
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    data = principle_form(principle, **{"quotations-0-text": "水滴石穿,绳锯木断。"})
    with Bump():
        assert admin_client.post(url, data).status_code == 302
    assert f"principle:{principle.label}" in found("绳锯木断")


def test_quotation_deleted_is_no_longer_found(admin_client, principle):
    Quotation.objects.filter(principle=principle).update(text="独一无二的引语")
    principle.quotations.first().save()  # reindex with the new words
    assert f"principle:{principle.label}" in found("独一无二")
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    deleted = {f"quotations-{i}-DELETE": "on" for i in range(principle.quotations.count())}
    with Bump():
        assert admin_client.post(url, principle_form(principle, **deleted)).status_code == 302
    assert not principle.quotations.exists()
    assert f"principle:{principle.label}" not in found("独一无二")


def test_renamed_tag_is_found_by_its_new_name_only(admin_client, principle, user):
    reflection = ReflectionFactory(author=user, principle=principle, title="带标签的心得")
    reflection.tags.add("旧的名字")
    principle.tags.add("旧的名字")
    assert "tag:旧的名字" in found("旧的名字")
    tag = Tag.objects.get(name="旧的名字")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    with Bump():
        assert admin_client.post(url, tag_form(tag, name="新的名称")).status_code == 302
    assert "tag:新的名称" in found("新的名称")
    assert "reflection:带标签的心得" in found("新的名称")
    assert f"principle:{principle.label}" in found("新的名称")
    assert found("旧的名字") == []
    response = admin_client.get(reverse("experiences:search"), {"q": "新的名称", "tag": "新的名称"})
    assert reflection.get_absolute_url() in response.content.decode()


def test_related_reading_edited_inline_on_its_essay_is_findable(admin_client, seed_essay):
    reading = seed_essay.related_readings.order_by("position").first()
    url = reverse("admin:experiences_essay_change", args=[seed_essay.pk])
    data = essay_form(seed_essay, **{"related_readings-0-title": "一篇关于调查研究的延伸阅读"})
    with Bump():
        assert admin_client.post(url, data).status_code == 302
    assert "related_reading:一篇关于调查研究的延伸阅读" in found("调查研究")
    RelatedReading.objects.filter(pk=reading.pk).delete()
    assert found("调查研究") == []


def test_essay_withdrawn_and_published_by_admin_action(admin_client, seed_essay, principle):
    url = reverse("admin:experiences_essay_changelist")
    words = principle.emphasis
    assert f"principle:{principle.label}" in found(words)
    with Bump():
        admin_client.post(url, {"action": "unpublish", "_selected_action": [seed_essay.pk]})
    assert f"principle:{principle.label}" not in found(words)
    with Bump():
        admin_client.post(url, {"action": "publish", "_selected_action": [seed_essay.pk]})
    assert f"principle:{principle.label}" in found(words)


def test_moderator_edit_in_the_admin_is_rendered_indexed_and_logged(admin_client, user):
    reflection = ReflectionFactory(author=user, title="原来的标题", body="原来的正文。")
    url = reverse("admin:experiences_reflection_change", args=[reflection.pk])
    data = {
        "principle": "",
        "title": "改过的标题",
        "body": "**修改后**的正文\x0b讲调研。",
        "tags": "",
    }
    with Bump():
        assert admin_client.post(url, data).status_code == 302
    reflection.refresh_from_db()
    assert reflection.body == "**修改后**的正文讲调研。"
    assert "<strong>修改后</strong>" in reflection.body_html
    assert "reflection:改过的标题" in found("调研")
    assert ModerationLog.objects.filter(
        reflection=reflection, action=ModerationLog.Action.EDIT
    ).exists()


def test_tags_merged_in_the_admin_are_found_under_the_target(admin_client, user):
    reflection = ReflectionFactory(author=user, title="合并前的心得")
    reflection.tags.add("调研", "调查研究")
    keep, gone = Tag.objects.get(name="调查研究"), Tag.objects.get(name="调研")
    url = reverse("admin:taggit_tag_changelist")
    with Bump():
        admin_client.post(
            url,
            {
                "action": "merge",
                "_selected_action": [keep.pk, gone.pk],
                "apply": "1",
                "target": keep.pk,
            },
        )
    assert list(reflection.tags.names()) == ["调查研究"]
    assert "tag:调研" not in found("调研")
    results = search_run(query=query_parse("调查研究"), tag="调查研究")
    assert [doc.title for doc in results if doc.kind == "reflection"] == ["合并前的心得"]
    assert ModerationLog.objects.filter(action=ModerationLog.Action.MERGE_TAGS).count() == 1


def test_reflection_deleted_by_its_author_is_gone_from_search(client, user):
    reflection = ReflectionFactory(author=user, title="要删掉的心得", body="删除前能找到。")
    assert "reflection:要删掉的心得" in found("删除")
    client.force_login(user)
    with Bump():
        client.post(reverse("experiences:reflection_delete", args=[reflection.pk]))
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert found("删除") == []


def test_reflection_approved_in_the_queue_becomes_public(admin_client, db):
    newcomer = UserFactory(username="xinlai")
    reflection = ReflectionFactory(
        author=newcomer, title="排队的心得", body="等待审核。", status=Reflection.Status.PENDING
    )
    assert found("审核") == []
    url = reverse("admin:experiences_pendingreflection_changelist")
    with Bump():
        admin_client.post(url, {"action": "approve", "_selected_action": [reflection.pk]})
    assert "reflection:排队的心得" in found("审核")
