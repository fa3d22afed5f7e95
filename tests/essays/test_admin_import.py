"""Essay import in the admin: paste or upload, preview, correct, save as a draft, publish."""

import html

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from experiences.essays.models import Essay
from tests.essays.test_importer import VARIANT_ESSAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:experiences_essay_import")


def test_changelist_links_to_import(editor_client):
    page = editor_client.get(reverse("admin:experiences_essay_changelist")).content.decode()
    assert IMPORT_URL in page and "导入文章" in page


def test_preview_shows_what_was_found_and_stores_nothing(editor_client):
    response = editor_client.post(IMPORT_URL, {"text": VARIANT_ESSAY, "preview": "1"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "预览\uff1a导入器找到的内容" in page
    assert "5 条原则" in page
    # The connective as the author wrote it (也要), not 更要.
    assert "既要「脚踏实地」\uff0c也要「仰望星空」" in page
    assert "没有调查,就没有发言权。 —— 毛主席" in page
    assert "另一篇文章" in page
    assert 'class="flag flag-unplaced">这是一段孤立的摘要' in page
    assert 'name="save"' in page
    assert not Essay.objects.exists()


def test_upload_in_gbk_is_decoded_into_the_text_box(editor_client):
    upload = SimpleUploadedFile("essay.txt", VARIANT_ESSAY.encode("gbk"), content_type="text/plain")
    page = editor_client.post(IMPORT_URL, {"upload": upload, "preview": "1"}).content.decode()
    assert "5 条原则" in page
    assert "做好群众工作的几点体会" in page.split("<textarea")[1]


def test_corrected_text_is_saved_as_a_draft_then_published(editor_client, client):
    corrected = VARIANT_ESSAY.replace("干工作既要‘小处着手’", "干工作既要‘细处着手’")
    response = editor_client.post(IMPORT_URL, {"text": corrected, "save": "1"})
    essay = Essay.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:experiences_essay_change", args=[essay.pk])
    assert essay.status == Essay.Status.DRAFT
    assert essay.principles.filter(baseline="细处着手").exists()
    anonymous = client.__class__()
    assert anonymous.get(essay.get_absolute_url()).status_code == 404
    assert essay.title not in anonymous.get("/").content.decode()
    editor_client.post(
        reverse("admin:experiences_essay_changelist"),
        {"action": "publish", "_selected_action": [essay.pk]},
    )
    essay.refresh_from_db()
    assert essay.status == Essay.Status.PUBLISHED
    assert anonymous.get(essay.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "请粘贴原文或上传文件。"),
        ({"text": "一个标题\n干工作没有原则的正文。"}, "没有找到任何原则"),
    ],
)
def test_bad_input_keeps_the_text(editor_client, data, message):
    page = editor_client.post(IMPORT_URL, {**data, "preview": "1"}).content.decode()
    assert message in page
    if data["text"].strip():
        assert "干工作没有原则的正文" in page
    assert not Essay.objects.exists()


def test_title_field_rescues_an_untitled_text(editor_client):
    text = "没有标题的开篇。\n干工作既要“甲”,更要“乙”。正文。"
    editor_client.post(IMPORT_URL, {"text": text, "title": "补上的标题", "save": "1"})
    assert Essay.objects.get().title == "补上的标题"


def test_moderators_and_anonymous_cannot_import(client, roles):
    assert client.get(IMPORT_URL).status_code == 302
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="版主"))
    client.force_login(moderator)
    assert client.get(IMPORT_URL).status_code == 403
    client.post(IMPORT_URL, {"text": VARIANT_ESSAY, "save": "1"})
    assert not Essay.objects.exists()
