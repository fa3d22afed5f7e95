"""Issue 25, item 10: nobody reviews a reflection or reply they wrote.

A moderator's own items stay in the queues (another moderator handles them); the
admin actions skip them and say so, the review page sends the moderator back, and
the services refuse outright whoever calls them.
"""

import pytest
from django.urls import reverse

from experiences.moderation.services import SelfReviewRefused
from experiences.notifications.models import Notification
from experiences.reflections.models import ModerationLog
from experiences.reflections.moderation import (
    Decision,
    pending_reflection_decide,
    reflection_feature,
    reflection_publish,
    reflection_reject,
)
from experiences.replies.moderation import reply_publish, reply_reject
from tests.factories import ReflectionFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:experiences_pendingreflection_changelist")
REFLECTIONS = reverse("admin:experiences_reflection_changelist")
REPLY_QUEUE = reverse("admin:experiences_pendingreply_changelist")
REPLIES = reverse("admin:experiences_reply_changelist")
SKIPPED = "不能审核自己发表的内容"


def item_url(reflection):
    return reverse("admin:experiences_pendingreflection_change", args=[reflection.pk])


def test_queue_actions_skip_the_moderators_own_reflection(moderator_client, principle):
    me = moderator_client.user
    own = ReflectionFactory(author=me, principle=principle, status="pending", title="我的心得")
    theirs = ReflectionFactory(principle=principle, status="pending", title="同事的心得")
    response = moderator_client.post(
        QUEUE, {"action": "approve", "_selected_action": [own.pk, theirs.pk]}, follow=True
    )
    page = response.content.decode()
    assert SKIPPED in page and "已跳过其中 1 条" in page and "已发布 1 条心得" in page
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert (own.status, theirs.status) == ("pending", "published")
    data = {"action": "reject", "_selected_action": [own.pk], "apply": "1", "reason": "自驳"}
    assert SKIPPED in moderator_client.post(QUEUE, data, follow=True).content.decode()
    own.refresh_from_db()
    assert own.status == "pending" and own.rejection_reason == ""
    assert not ModerationLog.objects.filter(reflection=own).exists()
    assert not Notification.objects.filter(recipient=me).exists()


def test_the_review_page_sends_the_moderator_back_from_their_own(moderator_client, principle):
    own = ReflectionFactory(author=moderator_client.user, principle=principle, status="pending")
    theirs = ReflectionFactory(principle=principle, status="pending")
    response = moderator_client.get(item_url(own), follow=True)
    assert "这是你自己的心得" in response.content.decode()
    assert response.redirect_chain[-1][0] == QUEUE
    response = moderator_client.post(item_url(own), {"decision": Decision.APPROVE})
    own.refresh_from_db()
    assert own.status == "pending"
    # Deciding a colleague's: "next" never leads to the moderator's own.
    response = moderator_client.post(item_url(theirs), {"decision": Decision.APPROVE})
    assert response["Location"] == QUEUE


def test_own_reflection_is_not_featured_nor_rejected_from_the_reflection_list(
    moderator_client, principle
):
    own = ReflectionFactory(author=moderator_client.user, principle=principle)
    response = moderator_client.post(
        REFLECTIONS, {"action": "feature", "_selected_action": [own.pk]}, follow=True
    )
    assert SKIPPED in response.content.decode()
    data = {"action": "reject", "_selected_action": [own.pk], "apply": "1", "reason": "x"}
    moderator_client.post(REFLECTIONS, data)
    own.refresh_from_db()
    assert not own.is_featured and own.status == "published"


def test_the_services_refuse_whoever_calls_them(moderator):
    pending = ReflectionFactory(author=moderator, status="pending")
    published = ReflectionFactory(author=moderator)
    reply = ReplyFactory(author=moderator, status="pending")
    refused = [
        lambda: reflection_publish(reflection=pending, moderator=moderator),
        lambda: reflection_reject(reflection=published, reason="x", moderator=moderator),
        lambda: reflection_feature(reflection=published, featured=True, moderator=moderator),
        lambda: pending_reflection_decide(
            reflection_id=pending.pk, decision=Decision.APPROVE, moderator=moderator
        ),
        lambda: reply_publish(reply=reply, moderator=moderator),
        lambda: reply_reject(reply=reply, reason="x", moderator=moderator),
    ]
    for call in refused:
        with pytest.raises(SelfReviewRefused):
            call()
    # Another moderator, or the system itself (no moderator), still decides.
    assert reflection_publish(reflection=pending).status == "published"
    assert reply_publish(reply=reply, moderator=UserFactory(is_staff=True)).status == "published"


def test_reply_actions_skip_the_moderators_own_reply(moderator_client):
    own = ReplyFactory(author=moderator_client.user, status="pending", body="我的回复")
    theirs = ReplyFactory(status="pending", body="同事的回复")
    response = moderator_client.post(
        REPLY_QUEUE, {"action": "approve", "_selected_action": [own.pk, theirs.pk]}, follow=True
    )
    assert "已跳过其中 1 条" in response.content.decode()
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert (own.status, theirs.status) == ("pending", "published")
    data = {"action": "reject", "_selected_action": [own.pk], "apply": "1", "reason": "x"}
    assert SKIPPED in moderator_client.post(REPLIES, data, follow=True).content.decode()
    own.refresh_from_db()
    assert own.status == "pending"
