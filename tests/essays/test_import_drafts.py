"""Issue 15, the editor: the import's title really optional, tags set at import, and drafts
previewed on the site by editors under a 草稿 banner while everyone else gets 404."""

import html

import pytest
from django.urls import reverse

from experiences.essays.models import Essay
from tests.essays.test_importer import VARIANT_ESSAY
from tests.factories import EssayFactory, PrincipleFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:experiences_essay_import")
UNTITLED = "我们要好好工作,这是开篇的第一句。还有第二句。\n干工作既要“甲”,更要“乙”。正文。"


def test_untitled_text_previews_and_saves_with_its_first_sentence(editor_client):
    page = html.unescape(
        editor_client.post(IMPORT_URL, {"text": UNTITLED, "preview": "1"}).content.decode()
    )
    assert "标题\uff1a</strong>我们要好好工作,这是开篇的第一句" in page
    assert "暂取正文第一句作标题" in page
    response = editor_client.post(IMPORT_URL, {"text": UNTITLED, "save": "1"})
    essay = Essay.objects.get()
    assert response.status_code == 302
    assert essay.title == "我们要好好工作,这是开篇的第一句"
    assert essay.status == Essay.Status.DRAFT
    assert essay.repairs.filter(description__contains="暂取正文第一句").exists()


def test_title_field_says_optional(editor_client):
    page = editor_client.get(IMPORT_URL).content.decode()
    assert "标题\uff08选填\uff09" in page and "必填" not in page


def test_tags_set_per_principle_at_import(editor_client):
    page = editor_client.post(IMPORT_URL, {"text": VARIANT_ESSAY, "preview": "1"}).content.decode()
    assert 'name="tags-1"' in page and 'name="tags-5"' in page
    editor_client.post(
        IMPORT_URL,
        {"text": VARIANT_ESSAY, "save": "1", "tags-1": "群众工作\uff0c作风建设", "tags-2": "  "},
    )
    essay = Essay.objects.get()
    first, second = essay.principles.order_by("position")[:2]
    assert sorted(first.tags.names()) == ["作风建设", "群众工作"]
    assert list(second.tags.names()) == []


def test_bad_tags_keep_everything_and_save_nothing(editor_client):
    too_many = " ".join(f"标签{i}" for i in range(9))
    response = editor_client.post(
        IMPORT_URL, {"text": VARIANT_ESSAY, "save": "1", "tags-1": too_many, "tags-2": "x" * 31}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "标签最多 8 个\uff0c这里填了 9 个。" in page
    assert "每个标签不超过 30 个字。" in page
    assert f'value="{too_many}"' in page
    assert not Essay.objects.exists()


def test_a_tag_that_would_leave_tags_is_refused_at_import(editor_client):
    typed = "群众工作 ../../accounts/delete"
    response = editor_client.post(IMPORT_URL, {"text": VARIANT_ESSAY, "save": "1", "tags-1": typed})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "标签不能含有" in page and f'value="{typed}"' in page
    assert not Essay.objects.exists()


@pytest.fixture
def draft():
    essay = EssayFactory(title="草稿文章", slug="草稿文章", status=Essay.Status.DRAFT)
    PrincipleFactory(essay=essay, baseline="守正", emphasis="创新")
    return essay


def test_editor_previews_draft_under_a_banner(editor_client, draft):
    for url in (draft.get_absolute_url(), draft.principles.get().get_absolute_url()):
        response = editor_client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'class="draft-banner"' in page and "只有编辑能看到" in page


def test_published_essay_has_no_banner(editor_client, seed_essay):
    page = editor_client.get(seed_essay.get_absolute_url()).content.decode()
    assert "draft-banner" not in page


@pytest.mark.parametrize("who", ["visitor", "colleague", "moderator"])
def test_others_get_404(client, moderator, draft, who):
    if who == "colleague":
        client.force_login(UserFactory())
    elif who == "moderator":
        client.force_login(moderator)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.principles.get().get_absolute_url()).status_code == 404


def test_admin_view_on_site_link_works_for_the_editor(editor_client, draft):
    page = editor_client.get(
        reverse("admin:experiences_essay_change", args=[draft.pk])
    ).content.decode()
    assert "在站点上查看" in page
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
