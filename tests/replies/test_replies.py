"""Replies (回复) as colleagues use them: writing, quoting, moderation, limits and permissions."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from experiences.reflections.models import ModerationLog, Reflection
from experiences.replies import moderation as replies_moderation
from experiences.replies import services as replies_services
from experiences.replies.models import Reply
from tests.factories import ReflectionFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:experiences_pendingreply_changelist")


@pytest.fixture
def reflection(principle):
    return ReflectionFactory(principle=principle, title="原则要守")


@pytest.fixture
def trusted(db):
    """A colleague with a published reflection: replies publish at once."""
    author = UserFactory(username="laozhang", display_name="老张")
    ReflectionFactory(author=author)
    return author


@pytest.fixture
def published_signals(monkeypatch):
    """Each time a reply becomes public and its people are told (``reply_published_tell``)."""
    heard = []
    tell = replies_moderation.reply_published_tell

    def hear(*, reply):
        heard.append((type(reply), reply.pk))
        tell(reply=reply)

    monkeypatch.setattr(replies_moderation, "reply_published_tell", hear)
    monkeypatch.setattr(replies_services, "reply_published_tell", hear)
    return heard


def post_reply(client, reflection, body, **extra):
    data = {"body": body, "submission_token": str(uuid.uuid4()), **extra}
    return client.post(reverse("experiences:reply_create", args=[reflection.pk]), data)


def test_anonymous_is_sent_to_log_in(client, reflection):
    response = post_reply(client, reflection, "路过")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    reply = ReplyFactory(reflection=reflection)
    for name in ("reply_update", "reply_delete"):
        response = client.get(reverse(f"experiences:{name}", args=[reply.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Reply.objects.count() == 1
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "登录后回复" in page and 'class="reply-form"' not in page


def test_trusted_reply_publishes_counts_and_signals(client, trusted, reflection, published_signals):
    client.force_login(trusted)
    response = post_reply(client, reflection, "说得好\uff0c**坚持**原则。")
    reply = Reply.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#reply-{reply.pk}")
    assert reply.status == Reply.Status.PUBLISHED and "<strong>坚持</strong>" in reply.body_html
    assert published_signals == [(Reply, reply.pk)]
    reflection.refresh_from_db()
    assert reflection.reply_count == 1
    client.logout()
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "<strong>坚持</strong>" in page
    cards = client.get(reverse("experiences:reflection_list")).content.decode()
    assert "1 条回复" in cards


def test_new_account_waits_for_moderation(
    user, other_user, reflection, moderator_client, published_signals
):
    client = Client()  # moderator_client is the test's `client`
    client.force_login(user)
    post_reply(client, reflection, "新人的回复")
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.PENDING and published_signals == []
    assert "待审核" in client.get(reflection.get_absolute_url()).content.decode()
    reflection.refresh_from_db()
    assert reflection.reply_count == 0
    # Nobody else sees it, signed in or not.
    client.force_login(other_user)
    assert "新人的回复" not in client.get(reflection.get_absolute_url()).content.decode()
    client.logout()
    assert "新人的回复" not in client.get(reflection.get_absolute_url()).content.decode()
    # The queue lists it; approving publishes it, counts it, signals and logs.
    assert "新人的回复" in moderator_client.get(QUEUE).content.decode()
    response = moderator_client.post(
        QUEUE, {"action": "approve", "_selected_action": [reply.pk]}, follow=True
    )
    assert "已发布 1 条回复" in response.content.decode()
    reply.refresh_from_db()
    reflection.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED and reflection.reply_count == 1
    assert published_signals == [(Reply, reply.pk)]
    assert ModerationLog.objects.filter(action="approve", reflection=reflection).exists()
    assert "新人的回复" in client.get(reflection.get_absolute_url()).content.decode()
    # Once one reply is published, the next publishes at once.
    client.force_login(user)
    post_reply(client, reflection, "第二条")
    assert Reply.objects.get(body="第二条").status == Reply.Status.PUBLISHED


def test_rejecting_asks_a_reason_the_author_reads(client, user, reflection, moderator_client):
    reply = ReplyFactory(reflection=reflection, author=user, status="pending")
    data = {"action": "reject", "_selected_action": [reply.pk]}
    assert "驳回理由" in moderator_client.post(QUEUE, data).content.decode()
    moderator_client.post(QUEUE, {**data, "apply": "1", "reason": "与主题无关"})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.REJECTED and reply.rejection_reason == "与主题无关"
    client.force_login(user)
    assert "与主题无关" in client.get(reflection.get_absolute_url()).content.decode()
    # Editing sends it back for review.
    client.post(reverse("experiences:reply_update", args=[reply.pk]), {"body": "改过了"})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PENDING and reply.edited_at is not None


def test_quoting_shows_a_plain_excerpt(client, trusted, reflection):
    quoted = ReplyFactory(reflection=reflection, body="<b>不是标签</b> " + "很长的话" * 30)
    client.force_login(trusted)
    form = client.get(
        reverse("experiences:reply_create", args=[reflection.pk]) + f"?quote={quoted.pk}"
    )
    assert "不是标签" in form.content.decode()
    post_reply(client, reflection, "同意", quoted=str(quoted.pk))
    reply = Reply.objects.get(body="同意")
    assert reply.quoted == quoted
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in page and "<b>不是标签" not in page
    assert "…" in page  # an excerpt, not the whole reply
    # A quoted reply that stops being public is no longer quoted.
    Reply.objects.filter(pk=quoted.pk).update(status="rejected")
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "引用的回复已不可见" in page and "很长的话" not in page


def test_quoting_a_reply_elsewhere_or_pending_is_dropped(client, trusted, reflection):
    elsewhere = ReplyFactory(body="别处的回复")
    pending = ReplyFactory(reflection=reflection, status="pending", body="待审的回复")
    client.force_login(trusted)
    for target in (elsewhere, pending):
        post_reply(client, reflection, f"引用{target.pk}", quoted=str(target.pk))
        assert Reply.objects.get(body=f"引用{target.pk}").quoted is None
    post_reply(client, reflection, "乱填", quoted="abc")
    assert Reply.objects.get(body="乱填").quoted is None


def test_bad_input_keeps_the_text(client, trusted, reflection):
    client.force_login(trusted)
    page = post_reply(client, reflection, "  \u200b\x00 ").content.decode()
    assert "请写下回复内容" in page
    long_text = "长" * 2001
    page = post_reply(client, reflection, long_text).content.decode()
    assert "回复最多 2000 个字" in page and long_text in page
    post_reply(client, reflection, "干净\x00的\x07回复<script>alert(1)</script>")
    reply = Reply.objects.get()
    assert reply.body == "干净的回复<script>alert(1)</script>"
    assert "<script>" not in reply.body_html and "&lt;script&gt;" in reply.body_html


def test_double_submit_stores_one(client, trusted, reflection):
    client.force_login(trusted)
    token = str(uuid.uuid4())
    for _ in range(2):
        post_reply(client, reflection, "只一条", submission_token=token)
    assert Reply.objects.count() == 1
    reflection.refresh_from_db()
    assert reflection.reply_count == 1


def test_hourly_limit(client, trusted, reflection, settings):
    settings.REPLIES_PER_HOUR = 2
    client.force_login(trusted)
    post_reply(client, reflection, "一")
    post_reply(client, reflection, "二")
    Reply.objects.filter(body="二").delete()  # deleting does not free a slot
    page = post_reply(client, reflection, "第三条").content.decode()
    assert "每小时最多 2 条回复" in page and "第三条" in page
    assert Reply.objects.count() == 1


def test_no_replies_to_what_is_not_public(client, trusted, principle):
    for state in ({"status": "pending"}, {"status": "rejected"}, {"flag_hidden": True}):
        closed = ReflectionFactory(principle=principle, **state)
        client.force_login(trusted)
        assert post_reply(client, closed, "试试").status_code == 404
    assert Reply.objects.count() == 0


def test_only_the_author_edits_and_deletes(client, user, other_user, reflection):
    reply = ReplyFactory(reflection=reflection, author=user, body="原话")
    client.force_login(other_user)
    for name in ("reply_update", "reply_delete"):
        url = reverse(f"experiences:{name}", args=[reply.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "篡改"}).status_code == 404
    reply.refresh_from_db()
    assert reply.body == "原话"
    client.force_login(user)
    page = client.get(reverse("experiences:reply_update", args=[reply.pk])).content.decode()
    assert "原话" in page
    response = client.post(reverse("experiences:reply_update", args=[reply.pk]), {"body": "新话"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "新话" and reply.edited_at is not None
    client.post(reverse("experiences:reply_delete", args=[reply.pk]))
    assert not Reply.objects.exists()
    reflection.refresh_from_db()
    assert reflection.reply_count == 0


def test_replies_are_paginated(client, reflection):
    for number in range(25):
        ReplyFactory(reflection=reflection, body=f"第{number:02d}条回复")
    first = client.get(reflection.get_absolute_url()).content.decode()
    assert "第00条回复" in first and "第19条回复" in first and "第20条回复" not in first
    second = client.get(reflection.get_absolute_url() + "?page=2").content.decode()
    assert "第20条回复" in second and "第00条回复" not in second
    for bad in ("abc", "999", "-1", "\x00"):
        assert client.get(reflection.get_absolute_url(), {"page": bad}).status_code == 200


def test_cached_cards_follow_new_replies(client, trusted, reflection):
    cards = reverse("experiences:reflection_list")
    assert "0 条回复" in client.get(cards).content.decode()
    assert client.get(cards)["X-Page-Cache"] == "hit"
    ReplyFactory(reflection=reflection)
    from experiences.replies.services import reply_create

    reply_create(author=trusted, reflection=reflection, body="新回复")
    assert "2 条回复" in client.get(cards).content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_reflection_page_queries_stay_constant(
    client, user, reflection, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(user)
    quoted = ReplyFactory(reflection=reflection)
    ReplyFactory(reflection=reflection, quoted=quoted)
    ReplyFactory(reflection=reflection, author=user, status="pending")
    # Signed in: the session and the user, 点赞 and 收藏 state, the unread count.
    limit = 10 if signed_in else 4
    with django_assert_max_num_queries(limit):
        assert client.get(reflection.get_absolute_url()).status_code == 200
    for _ in range(30):
        ReplyFactory(reflection=reflection, quoted=quoted)
    ReplyFactory.create_batch(3, reflection=reflection, author=user, status="pending")
    for url in (reflection.get_absolute_url(), reflection.get_absolute_url() + "?page=2"):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_reply_count_counts_only_public_replies(reflection):
    ReplyFactory(reflection=reflection)
    ReplyFactory(reflection=reflection, status="pending")
    ReplyFactory(reflection=reflection, flag_hidden=True)
    assert Reflection.objects.get(pk=reflection.pk).reply_count == 1


def test_moderators_edit_and_delete_replies_in_the_admin(moderator_client, reflection):
    reply = ReplyFactory(reflection=reflection, body="原来的回复")
    url = reverse("admin:experiences_reply_change", args=[reply.pk])
    response = moderator_client.post(url, {"body": "版主改过\x07的回复"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "版主改过的回复" and "版主改过的回复" in reply.body_html
    assert ModerationLog.objects.filter(action="edit", reflection=reflection).exists()
    delete_url = reverse("admin:experiences_reply_delete", args=[reply.pk])
    moderator_client.post(delete_url, {"post": "yes"})
    assert not Reply.objects.exists()
    assert Reflection.objects.get(pk=reflection.pk).reply_count == 0
    assert ModerationLog.objects.filter(action="delete", reflection=reflection).exists()


def test_the_reply_admin_is_for_moderators_only(client, user, reflection):
    ReplyFactory(reflection=reflection)
    client.force_login(user)
    for name in ("reply", "pendingreply"):
        assert client.get(reverse(f"admin:experiences_{name}_changelist")).status_code == 302
