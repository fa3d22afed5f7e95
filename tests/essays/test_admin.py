"""The admin as an editor uses it: inlines, tags, repairs, publishing."""

import pytest
from django.urls import reverse

from experiences.essays.models import Essay
from tests.admin_forms import principle_form

pytestmark = pytest.mark.django_db


def test_essay_change_page_has_principles_inline_and_repairs(admin_client, seed_essay):
    response = admin_client.get(reverse("admin:experiences_essay_change", args=[seed_essay.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="principles-0-baseline"' in page
    assert 'value="人情世故"' in page
    assert "断行把一个词拆成两段并多出句号\uff0c已合并" in page
    assert "去服务;" in page
    # Repairs are the importer's record: shown, never editable.
    assert 'name="repairs-0-after"' not in page


def test_principle_change_page_has_quotations_inline_and_tags(admin_client, seed_essay):
    principle = seed_essay.principles.get(position=2)
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="quotations-0-text"' in page
    # The sources as inline fields ("俗语" alone is also in the field's help text).
    assert 'name="quotations-0-source" value="俗语"' in page
    assert 'name="quotations-1-source" value="狄更斯"' in page
    assert 'name="tags"' in page


def test_editor_sets_tags_and_empty_half_is_refused_in_chinese(admin_client, seed_essay):
    principle = seed_essay.principles.get(position=1)
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    data = principle_form(principle, tags="群众工作, 党性原则")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert sorted(principle.tags.names()) == ["党性原则", "群众工作"]

    response = admin_client.post(url, {**data, "baseline": "   "})
    assert response.status_code == 200
    assert "这个字段是必填项。" in response.content.decode()
    principle.refresh_from_db()
    assert principle.baseline == "人情世故"


def test_publish_and_unpublish_actions(admin_client, seed_essay):
    url = reverse("admin:experiences_essay_changelist")
    admin_client.post(url, {"action": "unpublish", "_selected_action": [seed_essay.pk]})
    seed_essay.refresh_from_db()
    assert seed_essay.status == Essay.Status.DRAFT
    admin_client.post(url, {"action": "publish", "_selected_action": [seed_essay.pk]})
    seed_essay.refresh_from_db()
    assert seed_essay.status == Essay.Status.PUBLISHED


def test_admin_is_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "基层心得知识库" in page
    assert ">文章</a>" in page


def test_anonymous_visitor_cannot_reach_admin(client, seed_essay):
    response = client.get(reverse("admin:experiences_essay_change", args=[seed_essay.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
