"""Issue 25: who may hide what by 举报, how often one may flag, and nobody reviewing their own.

The review's attack: three accounts signed up seconds earlier hid every published
reflection by flagging each of them. Now a flag weighs its reporter's trust, an item
hides only when the open flags' weight reaches the threshold, and 举报 are limited
per account and per address.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experiences.flags import services as flags_services
from experiences.flags.models import Flag
from experiences.flags.services import flag_create, flags_review, reporter_weight
from experiences.moderation.services import SelfReviewRefused
from experiences.notifications.models import Notification
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


def flag_url(item):
    name = "reply_flag" if isinstance(item, Reply) else "reflection_flag"
    return reverse(f"experiences:{name}", args=[item.pk])


@pytest.fixture
def outcomes(monkeypatch):
    """Each reader told of an outcome (``flag_outcome_tell``)."""
    heard = []
    tell = flags_services.flag_outcome_tell

    def hear(*, flag, outcome):
        heard.append((flag.pk, outcome))
        tell(flag=flag, outcome=outcome)

    monkeypatch.setattr(flags_services, "flag_outcome_tell", hear)
    return heard


def hidden(item) -> bool:
    return type(item).objects.get(pk=item.pk).flag_hidden


# Item 1: flags from new or untrusted accounts hide nothing on their own.


def test_three_fresh_accounts_hide_nothing_and_the_moderators_see_it_all(
    moderator_client, principle
):
    reflections = ReflectionFactory.create_batch(4, principle=principle)
    reply = ReplyFactory(reflection=reflections[0], body="被围攻的回复")
    attackers = UserFactory.create_batch(3)
    for attacker in attackers:
        client = Client()
        client.force_login(attacker)
        for item in [*reflections, reply]:
            response = client.post(flag_url(item), {"reason": "spam"}, follow=True)
            assert "举报已收到" in response.content.decode()
    assert Flag.objects.count() == 15 and set(Flag.objects.values_list("weight", flat=True)) == {0}
    assert not any(hidden(item) for item in [*reflections, reply])
    public = Client().get(reverse("experiences:reflection_list")).content.decode()
    assert all(item.get_absolute_url() in public for item in reflections)
    # Recorded all the same, for a moderator to decide: every item is in the queue.
    page = moderator_client.get(FLAGGED).content.decode()
    assert all(item.display_title in page for item in reflections)
    assert "0 / 3" in page and "垃圾广告×3" in page
    assert "被围攻的回复" in moderator_client.get(FLAGGED_REPLIES).content.decode()


def test_an_item_hides_when_the_weight_of_its_flags_reaches_the_threshold(principle):
    reflection = ReflectionFactory(principle=principle)
    for newcomer in UserFactory.create_batch(5):
        flag_create(reporter=newcomer, item=reflection, reason="spam")
    assert not hidden(reflection)
    for established in EstablishedUserFactory.create_batch(2):
        flag_create(reporter=established, item=reflection, reason="abuse")
    assert not hidden(reflection)  # 5 × 0 + 2 × 1 < 3
    flag_create(reporter=EstablishedUserFactory(), item=reflection, reason="abuse")
    assert hidden(reflection)


def test_reporter_weight_by_age_published_reflections_and_role(settings, moderator, roles):
    settings.KB_FLAG_HIDE_THRESHOLD = 3
    settings.KB_FLAG_TRUST_DAYS = 14
    old = timezone.now() - timedelta(days=15)
    fresh_author = UserFactory()
    ReflectionFactory(author=fresh_author)
    old_without = UserFactory(date_joined=old)
    old_pending = UserFactory(date_joined=old)
    ReflectionFactory(author=old_pending, status="pending")
    old_hidden = UserFactory(date_joined=old)
    ReflectionFactory(author=old_hidden, flag_hidden=True)
    old_author = UserFactory(date_joined=old)
    ReflectionFactory(author=old_author)
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="编辑"))
    weights = {
        "fresh, published": (fresh_author, 0),
        "old, nothing published": (old_without, 0),
        "old, only pending": (old_pending, 0),
        "old, only a hidden one": (old_hidden, 0),
        "old, published": (old_author, 1),
        "a role (编辑)": (editor, 1),
        "moderator": (moderator, 3),
        "staff": (UserFactory(is_staff=True), 3),
    }
    assert {name: reporter_weight(reporter=user) for name, (user, _) in weights.items()} == {
        name: weight for name, (_, weight) in weights.items()
    }
    settings.KB_FLAG_TRUST_REFLECTIONS = 2
    assert reporter_weight(reporter=old_author) == 0


def test_a_moderators_flag_hides_at_once(moderator, principle):
    reflection = ReflectionFactory(principle=principle)
    flag, created = flag_create(reporter=moderator, item=reflection, reason="privacy")
    assert created and flag.weight == 3 and hidden(reflection)


# Item 1: the rate limit, per account and per address.


def test_flagging_is_limited_per_account_keeping_what_was_typed(client, user, settings):
    settings.KB_FLAGS_PER_HOUR = 2
    reflections = ReflectionFactory.create_batch(3)
    client.force_login(user)
    for reflection in reflections[:2]:
        client.post(flag_url(reflection), {"reason": "spam"})
    response = client.post(flag_url(reflections[2]), {"reason": "other", "detail": "冒充他人"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "一小时内举报次数过多" in page and "冒充他人" in page
    assert Flag.objects.filter(reporter=user).count() == 2
    # Another colleague (from another address) is not held back by it.
    other = Client(REMOTE_ADDR="10.0.0.9")
    other.force_login(UserFactory())
    assert other.post(flag_url(reflections[2]), {"reason": "spam"}).status_code == 302
    assert Flag.objects.filter(reflection=reflections[2]).count() == 1


def test_flagging_is_limited_per_address(settings):
    settings.KB_FLAGS_PER_ADDRESS_PER_HOUR = 3
    reflection = ReflectionFactory()
    statuses = []
    for _ in range(4):  # four accounts, one address
        client = Client(REMOTE_ADDR="10.0.0.1")
        client.force_login(UserFactory())
        statuses.append(client.post(flag_url(reflection), {"reason": "spam"}).status_code)
    assert statuses == [302, 302, 302, 429]
    assert Flag.objects.count() == 3
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    elsewhere.force_login(UserFactory())
    assert elsewhere.post(flag_url(reflection), {"reason": "spam"}).status_code == 302


# Item 10: nobody reviews flags, reflections or replies they wrote.


def test_a_moderator_cannot_clear_the_flags_on_their_own_reflection(
    moderator_client, principle, outcomes
):
    own = ReflectionFactory(principle=principle, author=moderator_client.user, title="自己的心得")
    flags = [FlagFactory(item=own, reporter=EstablishedUserFactory()) for _ in range(3)]
    assert hidden(own)
    page = moderator_client.get(FLAGGED).content.decode()
    assert "自己的心得" in page and "须由其他版主复核" in page
    for action in ("keep", "remove"):
        response = moderator_client.post(
            FLAGGED, {"action": action, "_selected_action": [own.pk]}, follow=True
        )
        assert "不能复核自己发表或自己举报的内容" in response.content.decode()
    own.refresh_from_db()
    assert own.flag_hidden and own.status == "published"
    assert set(Flag.objects.values_list("outcome", flat=True)) == {"open"}
    # The reporters are told nothing: no outcome, no notification, still 待处理.
    assert outcomes == []
    assert not Notification.objects.filter(kind=Notification.Kind.FLAG_OUTCOME).exists()
    with pytest.raises(SelfReviewRefused):
        flags_review(item=own, keep=True, moderator=moderator_client.user)
    # Another moderator reviews it, and only then are the reporters told.
    other_moderator = UserFactory(is_staff=True)
    other_moderator.groups.add(moderator_client.user.groups.get())
    assert flags_review(item=own, keep=True, moderator=other_moderator) == 3
    assert sorted(outcomes) == sorted((flag.pk, "kept") for flag in flags)
    assert not hidden(own)


def test_a_moderator_cannot_review_an_item_they_flagged(moderator_client, principle, outcomes):
    reflection = ReflectionFactory(principle=principle, title="版主举报的心得")
    reply = ReplyFactory(reflection=reflection, body="版主举报的回复")
    other = ReflectionFactory(principle=principle, title="别人举报的心得")
    for item in (reflection, reply):
        flag_create(reporter=moderator_client.user, item=item, reason="abuse")
        assert hidden(item)
    hide = [FlagFactory(item=other, reporter=EstablishedUserFactory()) for _ in range(3)]
    response = moderator_client.post(
        FLAGGED, {"action": "keep", "_selected_action": [reflection.pk, other.pk]}, follow=True
    )
    page = response.content.decode()
    assert "已跳过其中 1 条" in page and "已保留 1 条内容" in page
    assert hidden(reflection) and not hidden(other)
    assert sorted(outcomes) == sorted((flag.pk, "kept") for flag in hide)
    moderator_client.post(FLAGGED_REPLIES, {"action": "remove", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert reply.status == "published" and reply.flag_hidden
    assert Flag.objects.filter(outcome="open").count() == 2


def test_a_moderator_cannot_review_their_own_reply_in_the_flag_queue(moderator_client):
    reply = ReplyFactory(author=moderator_client.user, body="版主自己的回复")
    for _ in range(3):
        FlagFactory(item=reply, reporter=EstablishedUserFactory())
    response = moderator_client.post(
        FLAGGED_REPLIES, {"action": "keep", "_selected_action": [reply.pk]}, follow=True
    )
    assert "不能复核自己发表或自己举报的内容" in response.content.decode()
    assert hidden(reply) and Flag.objects.filter(outcome="open").count() == 3


def test_reflection_status_is_untouched_by_a_refused_removal(moderator):
    own = ReflectionFactory(author=moderator)
    FlagFactory(item=own, reporter=EstablishedUserFactory())
    with pytest.raises(SelfReviewRefused):
        flags_review(item=own, keep=False, moderator=moderator)
    assert Reflection.objects.get(pk=own.pk).status == "published"
    assert Flag.objects.get().outcome == "open"
