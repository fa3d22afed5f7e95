"""The queue item's own page: the rendered body, tags, the author's record, one-click decisions."""

import pytest
from django.urls import reverse

from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import Decision, pending_reflection_decide
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:experiences_pendingreflection_changelist")


def item_url(reflection):
    return reverse("admin:experiences_pendingreflection_change", args=[reflection.pk])


@pytest.fixture
def pending(principle):
    author = UserFactory(username="xinren", display_name="新人")
    ReflectionFactory(author=author, title="早先发布的", status="published")
    ReflectionFactory(author=author, title="早先驳回的", status="rejected", rejection_reason="太短")
    return ReflectionFactory(
        author=author,
        principle=principle,
        title="待审的心得",
        body="群众的事再小也是**大事**。\n\n> 引一句话",
        status="pending",
        tags=["群众工作", "作风"],
    )


def test_review_page_renders_body_tags_history(moderator_client, pending):
    response = moderator_client.get(item_url(pending))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>大事</strong>" in page and "**大事**" not in page
    assert "<blockquote>" in page
    assert "群众工作" in page and "作风" in page
    assert "已发布 1 条" in page and "已驳回 1 条" in page
    assert "早先发布的" in page and "早先驳回的" in page and "太短" in page
    for value in Decision.ALL:
        assert f'name="decision" value="{value}"' in page
    assert "csrfmiddlewaretoken" in page


@pytest.mark.parametrize(
    ("decision", "status", "featured", "actions"),
    [
        ("approve", "published", False, ["approve"]),
        ("feature", "published", True, ["approve", "feature"]),
    ],
)
def test_one_click_approve(moderator_client, pending, decision, status, featured, actions):
    response = moderator_client.post(item_url(pending), {"decision": decision})
    assert response.status_code == 302 and response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == status and pending.is_featured is featured
    logged = ModerationLog.objects.filter(reflection=pending, actor=moderator_client.user)
    assert sorted(logged.values_list("action", flat=True)) == sorted(actions)
    assert "已通过" in moderator_client.get(QUEUE).content.decode()


def test_reject_needs_a_reason_and_keeps_it(moderator_client, pending):
    response = moderator_client.post(item_url(pending), {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "请填写驳回理由" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Reflection.Status.PENDING
    response = moderator_client.post(
        item_url(pending), {"decision": "reject", "reason": "请结合\x00具体事例"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Reflection.Status.REJECTED
    assert pending.rejection_reason == "请结合具体事例"
    assert ModerationLog.objects.get(action="reject").reason == "请结合具体事例"


def test_unknown_decision_changes_nothing(moderator_client, pending):
    response = moderator_client.post(item_url(pending), {"decision": "delete"})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Reflection.Status.PENDING


def test_goes_on_to_the_next_item(moderator_client, pending, principle):
    following = ReflectionFactory(principle=principle, status="pending")
    response = moderator_client.post(item_url(pending), {"decision": "approve"})
    assert response["Location"] == item_url(following)


def test_second_decision_changes_nothing(moderator_client, pending):
    moderator_client.post(item_url(pending), {"decision": "approve"})
    response = moderator_client.post(item_url(pending), {"decision": "reject", "reason": "迟了"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == Reflection.Status.PUBLISHED
    assert ModerationLog.objects.filter(reflection=pending).count() == 1
    assert (
        pending_reflection_decide(
            reflection_id=pending.pk, decision="approve", moderator=moderator_client.user
        )
        is None
    )


@pytest.mark.parametrize("who", ["editor", "author", "visitor"])
def test_only_moderators(client, roles, pending, who):
    from django.contrib.auth.models import Group

    if who == "editor":
        editor = UserFactory(username="bianji", is_staff=True)
        editor.groups.add(Group.objects.get(name="编辑"))
        client.force_login(editor)
    elif who == "author":
        client.force_login(pending.author)
    response = client.post(item_url(pending), {"decision": "approve"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]
    pending.refresh_from_db()
    assert pending.status == Reflection.Status.PENDING
    assert not ModerationLog.objects.exists()


def test_bad_id_goes_back_to_queue(moderator_client):
    assert moderator_client.get(QUEUE + "abc/change/").status_code == 302
