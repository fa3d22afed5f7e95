"""One-click review pages for a pending reply and a flagged reflection or reply (issue 27, item 6).

As the reflection queue's page does: the body rendered, the author's record, 通过 /
驳回 with a reason or 保留 / 移除, then the next item; never one's own."""

import pytest
from django.urls import reverse

from experiences.flags.models import Flag
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply
from tests.factories import FlagFactory, ReflectionFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_of(name, item):
    return reverse(f"admin:experiences_{name}_change", args=[item.pk])


@pytest.fixture
def reflection(principle):
    return ReflectionFactory(principle=principle, title="说说群众工作", body="正文")


@pytest.fixture
def pending_replies(reflection):
    author = UserFactory(username="xinren", display_name="新人")
    ReplyFactory(reflection=reflection, author=author, status="rejected")
    first = ReplyFactory(
        reflection=reflection, author=author, body="这件事**很要紧**。", status="pending"
    )
    second = ReplyFactory(reflection=reflection, body="第二条", status="pending")
    return first, second


def test_a_pending_reply_is_approved_in_one_click_then_the_next_opens(
    moderator_client, pending_replies
):
    first, second = pending_replies
    own = ReplyFactory(reflection=first.reflection, author=moderator_client.user, status="pending")
    page = moderator_client.get(page_of("pendingreply", first))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<strong>很要紧</strong>" in text and "**很要紧**" not in text
    assert "回复心得\u300a说说群众工作\u300b" in text
    assert "回复已发布 0 条、待审核 0 条、已驳回 1 条" in text  # the author's record
    response = moderator_client.post(page_of("pendingreply", first), {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == page_of("pendingreply", second)  # not their own
    assert Reply.objects.get(pk=first.pk).status == "published"
    # Their own reply: sent back to the queue, unchanged.
    response = moderator_client.post(page_of("pendingreply", own), {"decision": "approve"})
    assert response["Location"] == reverse("admin:experiences_pendingreply_changelist")
    assert Reply.objects.get(pk=own.pk).status == "pending"


def test_rejecting_a_reply_needs_a_reason_and_keeps_what_was_typed(
    moderator_client, pending_replies
):
    first, _second = pending_replies
    response = moderator_client.post(
        page_of("pendingreply", first), {"decision": "reject", "reason": "  "}
    )
    assert response.status_code == 400
    assert "请填写驳回理由" in response.content.decode()
    assert Reply.objects.get(pk=first.pk).status == "pending"
    response = moderator_client.post(
        page_of("pendingreply", first), {"decision": "reject", "reason": "与主题无关"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "rejected" and first.rejection_reason == "与主题无关"
    # A second press finds nothing pending: the queue says so, nothing changes.
    again = moderator_client.post(
        page_of("pendingreply", first), {"decision": "approve"}, follow=True
    )
    assert "已不在待审核队列中" in again.content.decode()
    assert Reply.objects.get(pk=first.pk).status == "rejected"


def test_a_flagged_reflection_is_kept_or_removed_in_one_click(moderator_client, principle):
    flagged = ReflectionFactory(principle=principle, title="被举报的", body="一段**正文**")
    other = ReflectionFactory(principle=principle, title="另一条")
    FlagFactory(item=flagged, reason="abuse")
    FlagFactory(item=other, reason="spam")
    page = moderator_client.get(page_of("flaggedreflection", flagged)).content.decode()
    assert "<strong>正文</strong>" in page and "人身攻击" in page and "作者的记录" in page
    assert "保留" in page and "移除" in page
    response = moderator_client.post(page_of("flaggedreflection", flagged), {"decision": "keep"})
    assert response["Location"] == page_of("flaggedreflection", other)
    assert Flag.objects.get(reflection=flagged).outcome == Flag.Outcome.KEPT
    moderator_client.post(page_of("flaggedreflection", other), {"decision": "remove"})
    assert Reflection.objects.get(pk=other.pk).status == "rejected"
    assert Flag.objects.get(reflection=other).outcome == Flag.Outcome.REMOVED


def test_a_flagged_reply_page_and_what_a_moderator_flagged_is_not_theirs_to_review(
    moderator_client, reflection
):
    reply = ReplyFactory(reflection=reflection, body="回复**内容**")
    FlagFactory(item=reply, reason="abuse")
    FlagFactory(item=reply, reporter=moderator_client.user, reason="spam")
    response = moderator_client.post(page_of("flaggedreply", reply), {"decision": "remove"})
    assert response["Location"] == reverse("admin:experiences_flaggedreply_changelist")
    assert Reply.objects.get(pk=reply.pk).status == "published"
    other_moderator = UserFactory(username="banzhu2", is_staff=True)
    other_moderator.groups.add(*moderator_client.user.groups.all())
    moderator_client.force_login(other_moderator)
    page = moderator_client.get(page_of("flaggedreply", reply)).content.decode()
    assert "<strong>内容</strong>" in page and "2 条待处理的举报" in page
    moderator_client.post(page_of("flaggedreply", reply), {"decision": "remove"})
    assert Reply.objects.get(pk=reply.pk).status == "rejected"
