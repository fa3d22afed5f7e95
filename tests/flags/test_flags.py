"""举报 as readers and moderators use it: flagging, hiding at the threshold, review, outcomes.

Who may hide what, the rate limit and self-review (issue 25) are in test_trust.py."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from experiences.flags import services as flags_services
from experiences.flags.models import Flag
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply
from tests.factories import (
    EstablishedUserFactory,
    FlagFactory,
    ReflectionFactory,
    ReplyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FLAGGED = reverse("admin:experiences_flaggedreflection_changelist")
FLAGGED_REPLIES = reverse("admin:experiences_flaggedreply_changelist")
MY_FLAGS = reverse("experiences:flag_list")


@pytest.fixture
def reflection(principle):
    return ReflectionFactory(principle=principle, title="有争议的心得", body="一段**正文**内容")


@pytest.fixture
def outcomes(monkeypatch):
    """Each reader told of an outcome (``flag_outcome_tell``)."""
    heard = []
    tell = flags_services.flag_outcome_tell

    def hear(*, flag, outcome):
        heard.append((type(flag), flag.pk, outcome))
        tell(flag=flag, outcome=outcome)

    monkeypatch.setattr(flags_services, "flag_outcome_tell", hear)
    return heard


def flag_url(item):
    name = "reply_flag" if isinstance(item, Reply) else "reflection_flag"
    return reverse(f"experiences:{name}", args=[item.pk])


def hide(item, count=3):
    """Flags by established colleagues (weight 1 each): three hide an item."""
    return [FlagFactory(item=item, reporter=EstablishedUserFactory()) for _ in range(count)]


def test_anonymous_is_sent_to_log_in(client, reflection):
    for method in (client.get, client.post):
        response = method(flag_url(reflection))
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(MY_FLAGS).status_code == 302
    assert not Flag.objects.exists()


def test_flag_and_read_its_outcome(client, user, reflection):
    client.force_login(user)
    page = client.get(flag_url(reflection)).content.decode()
    for reason in ("垃圾广告", "人身攻击", "泄露隐私", "其他"):
        assert reason in page
    response = client.post(flag_url(reflection), {"reason": "spam"}, follow=True)
    assert "举报已收到" in response.content.decode()
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reflection, flag.reason) == (user, reflection, "spam")
    page = client.get(MY_FLAGS).content.decode()
    assert "有争议的心得" in page and "垃圾广告" in page and "待处理" in page
    # One flag is far from the threshold: still public.
    assert not Reflection.objects.get(pk=reflection.pk).flag_hidden


def test_flagging_lands_back_on_what_was_read(client, user, reflection):
    """Issue 31, item 8: after 举报 the reader is back on the reflection (or at the reply)."""
    client.force_login(user)
    response = client.post(flag_url(reflection), {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"] == reflection.get_absolute_url()
    reply = ReplyFactory(reflection=reflection)
    response = client.post(flag_url(reply), {"reason": "abuse"})
    assert response["Location"] == f"{reflection.get_absolute_url()}#reply-{reply.pk}"
    # Flagged again: told so, still back on the reflection.
    response = client.post(flag_url(reflection), {"reason": "spam"}, follow=True)
    assert response.redirect_chain[-1][0] == reflection.get_absolute_url()
    assert "你已经举报过这条内容了。" in response.content.decode()


def test_bad_input(client, user, reflection):
    client.force_login(user)
    cases = [
        ({}, "请选择举报理由"),
        ({"reason": "nonsense"}, "请选择列出的举报理由"),
        ({"reason": "other", "detail": " \u200b\x00 "}, "请写明理由"),
        ({"reason": "other", "detail": "长" * 201}, "说明最多 200 个字"),
    ]
    for data, message in cases:
        page = client.post(flag_url(reflection), data).content.decode()
        assert message in page
    assert "长" * 201 in page  # what was typed is kept
    assert not Flag.objects.exists()
    client.post(flag_url(reflection), {"reason": "other", "detail": "冒充\u202e领导\x07"})
    assert Flag.objects.get().detail == "冒充领导"


def test_one_flag_per_person_and_double_submit(client, user, reflection):
    client.force_login(user)
    client.post(flag_url(reflection), {"reason": "spam"})
    response = client.post(flag_url(reflection), {"reason": "abuse"}, follow=True)
    assert "你已经举报过这条内容了" in response.content.decode()
    assert Flag.objects.count() == 1 and Flag.objects.get().reason == "spam"
    # The database refuses a second row however it is written; clean() says so first.
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(reporter=user, reflection=reflection, subject="x", reason="spam")
    duplicate = Flag(reporter=user, reflection=reflection, subject="x", reason="spam")
    with pytest.raises(Exception, match="已经举报过"):
        duplicate.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(reporter=user, reflection=reflection, subject="x", reason="other")


def test_cannot_flag_own_or_non_public(client, user, principle):
    own = ReflectionFactory(author=user, principle=principle)
    client.force_login(user)
    response = client.post(flag_url(own), {"reason": "spam"}, follow=True)
    assert "不能举报自己发表的内容" in response.content.decode()
    own_reply = ReplyFactory(author=user)
    client.post(flag_url(own_reply), {"reason": "spam"})
    assert not Flag.objects.exists()
    for state in ({"status": "pending"}, {"status": "rejected"}, {"flag_hidden": True}):
        closed = ReflectionFactory(principle=principle, **state)
        assert client.post(flag_url(closed), {"reason": "spam"}).status_code == 404
    assert (
        client.post(flag_url(ReplyFactory(status="pending")), {"reason": "spam"}).status_code == 404
    )


def test_threshold_hides_everywhere_but_from_author_and_moderators(
    client, reflection, moderator, settings
):
    settings.KB_FLAG_HIDE_THRESHOLD = 2
    reflection.tags.add("举报标签")
    Reflection.objects.get(pk=reflection.pk).save()  # index with its tag
    places = [
        reverse("experiences:reflection_list"),
        reflection.principle.get_absolute_url(),
        reverse("experiences:feed_reflections"),
        reverse("experiences:search") + "?q=争议",
        reflection.author.get_absolute_url(),
    ]
    link = reflection.get_absolute_url()
    for url in places:
        assert link in client.get(url).content.decode(), url
    hide(reflection, 1)
    assert not Reflection.objects.get(pk=reflection.pk).flag_hidden
    hide(reflection, 1)
    assert Reflection.objects.get(pk=reflection.pk).flag_hidden
    for url in places:
        assert link not in client.get(url).content.decode(), url
    assert client.get(reflection.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reflection.get_absolute_url()).status_code == 404
    for viewer in (reflection.author, moderator):
        client.force_login(viewer)
        page = client.get(reflection.get_absolute_url()).content.decode()
        assert "因多位同事举报暂时隐藏" in page


def test_queue_keep_shows_it_again_and_tells_flaggers(moderator_client, reflection, outcomes):
    flags = hide(reflection)
    FlagFactory(item=ReflectionFactory(title="另一条"), reporter=UserFactory())
    page = moderator_client.get(FLAGGED).content.decode()
    assert "有争议的心得" in page and "垃圾广告×3" in page and "另一条" in page
    response = moderator_client.post(
        FLAGGED, {"action": "keep", "_selected_action": [reflection.pk]}, follow=True
    )
    assert "已保留 1 条内容" in response.content.decode()
    reflection.refresh_from_db()
    assert not reflection.flag_hidden and reflection.status == "published"
    assert sorted(outcomes) == sorted((Flag, f.pk, "kept") for f in flags)
    assert "有争议的心得" not in moderator_client.get(FLAGGED).content.decode()
    client = Client()
    assert "有争议的心得" in client.get(reverse("experiences:reflection_list")).content.decode()
    client.force_login(flags[0].reporter)
    assert "已复核\uff0c内容保留" in client.get(MY_FLAGS).content.decode()


def test_queue_remove_rejects_with_the_reasons(moderator_client, reflection, outcomes):
    flags = hide(reflection)
    moderator_client.post(FLAGGED, {"action": "remove", "_selected_action": [reflection.pk]})
    reflection.refresh_from_db()
    assert reflection.status == "rejected" and "垃圾广告" in reflection.rejection_reason
    assert {outcome for _, _, outcome in outcomes} == {"removed"} and len(outcomes) == 3
    client = Client()
    client.force_login(flags[1].reporter)
    assert "已复核\uff0c内容已移除" in client.get(MY_FLAGS).content.decode()
    client.force_login(reflection.author)
    assert "经举报复核移除" in client.get(reflection.get_absolute_url()).content.decode()


def test_flagged_replies_hide_and_are_reviewed(moderator_client, reflection, outcomes):
    reply = ReplyFactory(reflection=reflection, body="不当的回复")
    hide(reply)
    reflection.refresh_from_db()
    assert reflection.reply_count == 0
    client = Client()
    assert "不当的回复" not in client.get(reflection.get_absolute_url()).content.decode()
    client.force_login(reply.author)
    assert "因举报暂时隐藏" in client.get(reflection.get_absolute_url()).content.decode()
    assert "不当的回复" in moderator_client.get(reflection.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "不当的回复" not in client.get(reflection.get_absolute_url()).content.decode()
    page = moderator_client.get(FLAGGED_REPLIES).content.decode()
    assert "不当的回复" in page
    moderator_client.post(FLAGGED_REPLIES, {"action": "remove", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert reply.status == "rejected" and len(outcomes) == 3


def test_deleting_the_item_closes_its_flags(client, reflection, outcomes):
    reply = ReplyFactory(reflection=reflection)
    reflection_flag = FlagFactory(item=reflection, reporter=UserFactory())
    reply_flag = FlagFactory(item=reply, reporter=UserFactory())
    client.force_login(reflection.author)
    client.post(reverse("experiences:reflection_delete", args=[reflection.pk]))
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert sorted(outcomes) == sorted(
        [(Flag, reflection_flag.pk, "deleted"), (Flag, reply_flag.pk, "deleted")]
    )
    client.force_login(reply_flag.reporter)
    page = client.get(MY_FLAGS).content.decode()
    assert "内容已被删除" in page


def test_queue_is_for_moderators_only(client, user, reflection):
    hide(reflection)
    client.force_login(user)
    for url in (FLAGGED, FLAGGED_REPLIES, reverse("admin:experiences_flag_changelist")):
        assert client.get(url).status_code == 302


def test_my_flags_queries_stay_constant(client, user, django_assert_max_num_queries):
    client.force_login(user)
    FlagFactory(item=ReflectionFactory(), reporter=user)
    FlagFactory(item=ReplyFactory(), reporter=user)
    with django_assert_max_num_queries(5):
        assert client.get(MY_FLAGS).status_code == 200
    for _ in range(10):
        FlagFactory(item=ReflectionFactory(), reporter=user)
        FlagFactory(item=ReplyFactory(), reporter=user)
    with django_assert_max_num_queries(5):
        assert client.get(MY_FLAGS).status_code == 200
