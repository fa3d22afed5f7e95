"""Notifications as colleagues meet them: raised by moderation and 点赞, listed, marked read."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from experiences.notifications.models import Notification
from experiences.notifications.services import (
    notification_create,
    notification_for_flag_outcome,
    notification_for_reply,
    notification_for_study_assigned,
    notification_for_study_due,
)
from experiences.reflections.moderation import reflection_publish
from experiences.reflections.services import like_set
from tests.factories import NotificationFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("experiences:notification_list")
QUEUE = reverse("admin:experiences_pendingreflection_changelist")


def header_count(page: str) -> str | None:
    import re

    found = re.search(r'class="notifications-unread">(\d+)<', page)
    return found.group(1) if found else None


def test_approval_in_the_admin_tells_the_author(moderator_client, principle):
    reflection = ReflectionFactory(principle=principle, status="pending", title="先听后说")
    moderator_client.post(QUEUE, {"action": "approve", "_selected_action": [reflection.pk]})
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.kind == "reflection_approved"
    assert "《先听后说》已通过审核" in notification.text
    assert notification.url == reflection.get_absolute_url()


def test_rejection_tells_the_author_with_the_reason(moderator_client, principle):
    reflection = ReflectionFactory(principle=principle, status="pending")
    data = {"action": "reject", "_selected_action": [reflection.pk], "apply": "1"}
    moderator_client.post(QUEUE, {**data, "reason": "与本原则无关"})
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.kind == "reflection_rejected" and notification.detail == "与本原则无关"
    moderator_client.force_login(reflection.author)
    page = moderator_client.get(LIST).content.decode()
    assert "驳回理由\uff1a与本原则无关" in page


def test_publishing_an_already_published_reflection_tells_nobody(principle):
    reflection = ReflectionFactory(principle=principle)
    reflection_publish(reflection=reflection)
    assert not Notification.objects.exists()


def test_likes_are_gathered_while_unread(principle):
    reflection = ReflectionFactory(principle=principle, title="甜嘴公心")
    for liker in UserFactory.create_batch(3):
        like_set(user=liker, reflection=reflection, liked=True)
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.count == 3
    assert notification.text == "3 位同事赞了你的心得《甜嘴公心》"
    # Read, then one more 点赞: a new notification counts from one again.
    Client().force_login(reflection.author)
    client = Client()
    client.force_login(reflection.author)
    client.post(reverse("experiences:notification_read", args=[notification.pk]))
    like_set(user=UserFactory(), reflection=reflection, liked=True)
    assert Notification.objects.filter(recipient=reflection.author).count() == 2
    newest = Notification.objects.filter(recipient=reflection.author).first()
    assert newest is not None and newest.count == 1 and newest.read_at is None


def test_unlike_and_relike_by_the_same_person_is_not_counted_twice_in_likes(principle):
    reflection = ReflectionFactory(principle=principle)
    liker = UserFactory()
    like_set(user=liker, reflection=reflection, liked=True)
    like_set(user=liker, reflection=reflection, liked=True)  # double submit
    assert Notification.objects.get(recipient=reflection.author).count == 1


def test_one_colleague_toggling_like_seven_times_is_one_colleague(client, principle):
    """Issue 25, item 5: the count is distinct colleagues, whatever the toggling."""
    reflection = ReflectionFactory(principle=principle, title="甜嘴公心")
    liker = UserFactory()
    client.force_login(liker)
    like = reverse("experiences:reflection_like", args=[reflection.pk])
    for _ in range(7):
        client.post(like)
        client.post(like, {"action": "unlike"})
    client.post(like)
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.count == 1
    assert notification.text == "1 位同事赞了你的心得《甜嘴公心》"


def test_an_unlike_never_raises_the_count(principle):
    reflection = ReflectionFactory(principle=principle, title="甜嘴公心")
    first, second, third = UserFactory.create_batch(3)
    like_set(user=first, reflection=reflection, liked=True)
    like_set(user=second, reflection=reflection, liked=True)
    like_set(user=first, reflection=reflection, liked=False)
    assert Notification.objects.get().count == 2  # left as it was
    like_set(user=first, reflection=reflection, liked=True)  # back again: already counted
    assert Notification.objects.get().count == 2
    like_set(user=third, reflection=reflection, liked=True)  # a new colleague counts
    notification = Notification.objects.get()
    assert notification.count == 3 and notification.text.startswith("3 位同事")


def test_unread_like_notifications_from_before_are_recounted(principle):
    """Migration 0020: an unread notification a toggle had inflated is brought down to
    the colleagues who still like it, never raised."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("experiences.migrations.0020_trust_flag_weight_like_likers")
    reflection = ReflectionFactory(principle=principle, title="旧通知")
    liker = UserFactory()
    like_set(user=liker, reflection=reflection, liked=True)
    notification = Notification.objects.get()
    notification.likers.clear()
    Notification.objects.filter(pk=notification.pk).update(
        count=7, text="7 位同事赞了你的心得《旧通知》"
    )
    migration.likers_fill(apps, None)
    notification.refresh_from_db()
    assert notification.count == 1 and notification.text == "1 位同事赞了你的心得《旧通知》"
    assert list(notification.likers.all()) == [liker]


def test_list_is_your_own_newest_first_with_the_unread_count(client, user, other_user):
    older = NotificationFactory(recipient=user, text="较早的通知")
    newer = NotificationFactory(recipient=user, text="较新的通知")
    NotificationFactory(recipient=other_user, text="别人的通知")
    Notification.objects.filter(pk=older.pk).update(updated_at=newer.updated_at.replace(year=2020))
    client.force_login(user)
    page = client.get(LIST).content.decode()
    assert page.index("较新的通知") < page.index("较早的通知")
    assert "别人的通知" not in page
    assert header_count(page) == "2"


def test_list_needs_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_marking_read_is_post_only_and_your_own_only(client, user, other_user):
    mine = NotificationFactory(recipient=user)
    theirs = NotificationFactory(recipient=other_user)
    client.force_login(user)
    read = reverse("experiences:notification_read", args=[mine.pk])
    assert client.get(read).status_code == 405
    open_ = reverse("experiences:notification_open", args=[theirs.pk])
    assert client.post(open_).status_code == 404
    assert (
        client.post(reverse("experiences:notification_read", args=[theirs.pk])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(read).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert header_count(client.get(LIST).content.decode()) is None


def test_marking_read_needs_the_csrf_token(user):
    notification = NotificationFactory(recipient=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("experiences:notification_read", args=[notification.pk])
    assert client.post(url).status_code == 403
    assert client.post(reverse("experiences:notification_read_all")).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_cannot_mark_read(client, user):
    notification = NotificationFactory(recipient=user)
    response = client.post(reverse("experiences:notification_read", args=[notification.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_marks_read_and_goes_to_the_reflection(client, principle):
    reflection = ReflectionFactory(principle=principle, status="pending")
    reflection_publish(reflection=reflection)
    notification = Notification.objects.get()
    client.force_login(reflection.author)
    response = client.post(reverse("experiences:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reflection.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_redirects_off_site(client, user):
    notification = NotificationFactory(recipient=user, url="https://evil.example/")
    client.force_login(user)
    response = client.post(reverse("experiences:notification_open", args=[notification.pk]))
    assert response["Location"] == LIST


def test_mark_all_read_touches_only_your_own(client, user, other_user):
    NotificationFactory.create_batch(3, recipient=user)
    theirs = NotificationFactory(recipient=other_user)
    client.force_login(user)
    response = client.post(reverse("experiences:notification_read_all"), follow=True)
    assert "已将 3 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_page_of_notifications_costs_the_same_queries_as_they_grow(
    client, user, django_assert_max_num_queries
):
    client.force_login(user)
    NotificationFactory.create_batch(2, recipient=user)
    client.get(LIST)  # content types warm, as on a warm server
    # The session, the user, the page's count and rows, the header's unread count.
    with django_assert_max_num_queries(5) as few:
        client.get(LIST)
    for n in range(40):
        notification_create(recipient=user, kind="study_due", text=f"学习专题{n}将到期")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert header_count(page) == "42"
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST + "?page=2")


def test_the_header_count_is_cached_and_forgotten_on_every_change(
    client, user, principle, django_assert_max_num_queries
):
    reflection = ReflectionFactory(principle=principle, author=user)
    client.force_login(user)
    home = reverse("experiences:reflection_list")
    client.get(home)
    with django_assert_max_num_queries(50) as warm:
        page = client.get(home).content.decode()
    assert header_count(page) is None
    counted = [q["sql"] for q in warm.captured_queries if 'experiences_notification"' in q["sql"]]
    assert counted == []  # known from the cache: no query
    like_set(user=UserFactory(), reflection=reflection, liked=True)
    assert header_count(client.get(home).content.decode()) == "1"


def test_reserved_kinds_are_stored_and_replies_mailed(user, other_user, principle):
    reflection = ReflectionFactory(principle=principle, author=user, title="过程哲学")
    user.email = "xiaowang@example.cn"
    user.save()
    assert (
        notification_for_reply(
            reply_author=user,
            recipient=user,
            reflection=reflection,
            reply_url="/x/",
            excerpt="自己",
        )
        is None
    )
    reply = notification_for_reply(
        reply_author=other_user,
        recipient=user,
        reflection=reflection,
        reply_url=reflection.get_absolute_url() + "#reply-1",
        excerpt="说得好\u202e\x00",
    )
    assert reply is not None
    assert reply.text == "老李 回复了你在《过程哲学》下的内容"
    assert reply.detail == "说得好"
    flag = notification_for_flag_outcome(recipient=user, subject="广告帖", upheld=True)
    assert "已处理\uff1a内容已隐藏" in flag.text
    import datetime

    due = datetime.date(2026, 12, 1)
    assigned = notification_for_study_assigned(
        recipient=user, topic_title="群众工作", url="/", due=due
    )
    assert "2026年12月1日" in assigned.text and "2026-12-01" not in assigned.text
    soon = notification_for_study_due(recipient=user, topic_title="群众工作", url="/", due=due)
    assert "2026年12月1日" in soon.text
    assert soon.kind == "study_due"
    assert Notification.objects.filter(recipient=user).count() == 4
    assert mail.outbox == []  # nothing committed yet inside the test's transaction
