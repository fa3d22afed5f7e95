"""Replies and 举报 outcomes reach the people concerned as notifications (and reply mail)."""

import pytest
from django.core import mail
from django.urls import reverse

from experiences.flags.models import Flag
from experiences.flags.services import flag_create, flags_review
from experiences.notifications.models import Notification
from experiences.replies.models import Reply
from experiences.replies.moderation import reply_publish
from experiences.replies.services import reply_create
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trusted():
    author = UserFactory(username="laozhang", display_name="老张", email="laozhang@example.cn")
    ReflectionFactory(author=author)
    return author


def test_a_reply_tells_the_reflection_author_and_mails_them(trusted):
    reflection = ReflectionFactory(author=UserFactory(email="author@example.cn"))
    reply, _ = reply_create(
        author=trusted, reflection=reflection, body="说得好\N{FULLWIDTH COMMA}学到了。"
    )
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.kind == Notification.Kind.REPLY
    assert "老张" in notification.text
    assert notification.url == reply.get_absolute_url()
    assert "说得好" in notification.detail
    assert [message.to for message in mail.outbox] == [["author@example.cn"]]
    # Nobody hears of their own reply.
    reply_create(author=reflection.author, reflection=reflection, body="谢谢。")
    assert not Notification.objects.filter(recipient=trusted).exists()


def test_a_quoted_reply_author_hears_too_once(trusted):
    reflection = ReflectionFactory()
    colleague = UserFactory()
    ReflectionFactory(author=colleague)
    first, _ = reply_create(author=colleague, reflection=reflection, body="第一条回复。")
    reply_create(author=trusted, reflection=reflection, body="同意楼上。", quoted=first)
    kinds = Notification.objects.filter(kind=Notification.Kind.REPLY)
    assert sorted(kinds.values_list("recipient_id", flat=True)) == sorted(
        [reflection.author_id, reflection.author_id, colleague.pk]
    )


def test_a_pending_reply_tells_only_when_approved():
    reflection = ReflectionFactory()
    newcomer = UserFactory()
    reply, _ = reply_create(author=newcomer, reflection=reflection, body="新人的回复。")
    assert reply.status == Reply.Status.PENDING
    assert not Notification.objects.filter(recipient=reflection.author).exists()
    reply_publish(reply=reply, moderator=UserFactory(is_staff=True))
    assert Notification.objects.filter(
        recipient=reflection.author, kind=Notification.Kind.REPLY
    ).exists()


@pytest.mark.parametrize(("keep", "word"), [(True, "内容保留"), (False, "内容已隐藏")])
def test_flaggers_hear_the_outcome(keep, word):
    reflection = ReflectionFactory()
    reporter = UserFactory()
    flag_create(reporter=reporter, item=reflection, reason=Flag.Reason.SPAM)
    flags_review(item=reflection, keep=keep, moderator=UserFactory(is_staff=True))
    notification = Notification.objects.get(recipient=reporter)
    assert notification.kind == Notification.Kind.FLAG_OUTCOME
    assert word in notification.text
    assert notification.url == reverse("experiences:flag_list")
