"""Moderation through the admin's real views, as a moderator and an editor would use it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiences.reflections.models import ModerationLog, Reflection
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:experiences_pendingreflection_changelist")
REFLECTIONS = reverse("admin:experiences_reflection_changelist")


def test_queue_lists_pending_oldest_first(moderator_client, principle):
    now = timezone.now()
    newer = ReflectionFactory(principle=principle, title="后来的", status="pending")
    older = ReflectionFactory(principle=principle, title="先来的", status="pending")
    ReflectionFactory(principle=principle, title="已发布的")
    Reflection.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=2))
    Reflection.objects.filter(pk=newer.pk).update(created_at=now - timedelta(days=1))
    page = moderator_client.get(QUEUE).content.decode()
    assert page.index("先来的") < page.index("后来的")
    assert "已发布的" not in page


def test_bulk_approve_publishes_and_logs(moderator_client, principle, client):
    pending = ReflectionFactory.create_batch(2, principle=principle, status="pending")
    response = moderator_client.post(
        QUEUE, {"action": "approve", "_selected_action": [r.pk for r in pending]}, follow=True
    )
    assert "已发布 2 条心得" in response.content.decode()
    assert Reflection.objects.filter(status="published").count() == 2
    logs = ModerationLog.objects.filter(action="approve")
    assert logs.count() == 2 and all(log.actor == moderator_client.user for log in logs)


def test_reject_asks_for_a_reason_the_author_reads(moderator_client, principle):
    reflection = ReflectionFactory(principle=principle, status="pending")
    data = {"action": "reject", "_selected_action": [reflection.pk]}
    page = moderator_client.post(QUEUE, data).content.decode()
    assert "驳回理由\uff08作者可以看到\uff09" in page
    page = moderator_client.post(QUEUE, {**data, "apply": "1", "reason": ""}).content.decode()
    assert "请填写驳回理由" in page
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.PENDING
    moderator_client.post(QUEUE, {**data, "apply": "1", "reason": "与本原则无关"})
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.REJECTED
    assert reflection.rejection_reason == "与本原则无关"
    log = ModerationLog.objects.get(action="reject")
    assert log.reason == "与本原则无关" and log.reflection == reflection
    moderator_client.force_login(reflection.author)
    page = moderator_client.get(reflection.get_absolute_url()).content.decode()
    assert "驳回理由\uff1a与本原则无关" in page


def test_featured_show_first_on_principle_and_home(moderator_client, principle, client):
    ReflectionFactory(principle=principle, title="普通心得")
    chosen = ReflectionFactory(principle=principle, title="好心得")
    Reflection.objects.filter(pk=chosen.pk).update(created_at=timezone.now() - timedelta(days=9))
    moderator_client.post(REFLECTIONS, {"action": "feature", "_selected_action": [chosen.pk]})
    chosen.refresh_from_db()
    assert chosen.is_featured
    assert ModerationLog.objects.filter(action="feature", reflection=chosen).exists()
    client.logout()
    page = client.get(principle.get_absolute_url()).content.decode()
    assert page.index("好心得") < page.index("普通心得")
    home = client.get("/").content.decode()
    assert "精选心得" in home and "好心得" in home and "普通心得" not in home


def test_pending_cannot_be_featured(moderator_client, principle):
    pending = ReflectionFactory(principle=principle, status="pending")
    moderator_client.post(REFLECTIONS, {"action": "feature", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert not pending.is_featured


def test_admin_edit_and_delete_are_logged(moderator_client, principle):
    reflection = ReflectionFactory(principle=principle, body="原文")
    url = reverse("admin:experiences_reflection_change", args=[reflection.pk])
    response = moderator_client.post(
        url, {"principle": principle.pk, "title": reflection.title, "body": "修改后", "tags": ""}
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.body_html == "<p>修改后</p>\n"
    assert ModerationLog.objects.filter(action="edit", reflection=reflection).exists()
    moderator_client.post(
        reverse("admin:experiences_reflection_delete", args=[reflection.pk]), {"post": "yes"}
    )
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    log = ModerationLog.objects.get(action="delete")
    assert log.reflection is None and f"#{reflection.pk}" in log.subject


def test_log_is_visible_and_never_editable(moderator_client, principle, admin_client):
    reflection = ReflectionFactory(principle=principle, status="pending")
    moderator_client.post(QUEUE, {"action": "approve", "_selected_action": [reflection.pk]})
    log = ModerationLog.objects.get()
    page = moderator_client.get(
        reverse("admin:experiences_moderationlog_changelist")
    ).content.decode()
    assert "banzhu" in page and "通过" in page
    for client in (moderator_client, admin_client):
        change = client.post(
            reverse("admin:experiences_moderationlog_change", args=[log.pk]), {"reason": "篡改"}
        )
        assert change.status_code == 403
        delete = client.post(
            reverse("admin:experiences_moderationlog_delete", args=[log.pk]), {"post": "yes"}
        )
        assert delete.status_code == 403
        assert client.get(reverse("admin:experiences_moderationlog_add")).status_code == 403
    log.refresh_from_db()
    assert log.reason == ""


class TestRoles:
    def test_moderator_cannot_edit_essays_or_users(self, moderator_client, seed_essay):
        assert moderator_client.get(QUEUE).status_code == 200
        assert moderator_client.get(reverse("admin:taggit_tag_changelist")).status_code == 200
        essay_url = reverse("admin:experiences_essay_change", args=[seed_essay.pk])
        assert moderator_client.get(essay_url).status_code == 403
        assert moderator_client.post(essay_url, {"title": "改"}).status_code == 403
        assert moderator_client.get(reverse("admin:experiences_user_changelist")).status_code == 403
        principle = seed_essay.principles.first()
        principle_url = reverse("admin:experiences_principle_change", args=[principle.pk])
        assert moderator_client.get(principle_url).status_code == 403

    def test_editor_edits_essays_but_does_not_moderate(self, editor_client, seed_essay, principle):
        essay_url = reverse("admin:experiences_essay_change", args=[seed_essay.pk])
        assert editor_client.get(essay_url).status_code == 200
        assert editor_client.get(QUEUE).status_code == 403
        reflection = ReflectionFactory(principle=principle, status="pending")
        editor_client.post(REFLECTIONS, {"action": "approve", "_selected_action": [reflection.pk]})
        reflection.refresh_from_db()
        assert reflection.status == Reflection.Status.PENDING
        assert editor_client.get(reverse("admin:experiences_user_changelist")).status_code == 403

    def test_plain_user_gets_nothing(self, client, user, principle, roles):
        client.force_login(user)
        response = client.get(QUEUE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
