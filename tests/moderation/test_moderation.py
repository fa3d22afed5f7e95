"""The moderation module reflections and replies share (issue 26, item 5): one posting limit
with each kind counted apart, one set of states, one pending queue, and every deletion of a
reflection going through ``reflection_delete`` wherever it starts."""

import uuid

import pytest
from django.urls import reverse

from experiences.flags.models import Flag
from experiences.moderation import services as moderation
from experiences.moderation.models import PostingRecord, ReplyPostingRecord, Status
from experiences.reflections import admin as reflections_admin
from experiences.reflections import services as reflection_services
from experiences.reflections import views as reflections_views
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import pending_reflection_decide
from experiences.replies.models import Reply
from experiences.replies.moderation import pending_reply_decide
from experiences.replies.services import reply_create
from experiences.search.models import SearchDocument
from tests.factories import EstablishedUserFactory, FlagFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def reflection_post(author):
    return reflection_services.reflection_create(
        author=author, principle=None, title="一条", body="正文", tags=[]
    )


def test_reflections_and_replies_share_the_limit_and_each_kind_counts_apart(settings):
    settings.REFLECTIONS_PER_HOUR = 1
    settings.REPLIES_PER_HOUR = 1
    author = EstablishedUserFactory()
    other = ReflectionFactory(principle=None)
    reflection_post(author)
    # The reflection used the reflections' slot only: a reply still has its own.
    reply_create(author=author, reflection=other, body="同意", submission_token=uuid.uuid4())
    with pytest.raises(moderation.ReflectionRateLimited):
        reflection_post(author)
    with pytest.raises(moderation.ReplyRateLimited):
        reply_create(author=author, reflection=other, body="再说一句")
    assert issubclass(moderation.ReflectionRateLimited, moderation.PostingRateLimited)
    assert issubclass(moderation.ReplyRateLimited, moderation.PostingRateLimited)
    assert PostingRecord.objects.filter(author=author).count() == 1
    assert ReplyPostingRecord.objects.filter(author=author).count() == 1


def test_reflections_and_replies_have_one_set_of_states():
    assert Reflection.Status is Status
    assert Reply.Status is Status


def test_one_pending_queue_lock_for_both_kinds(moderator):
    reflection = ReflectionFactory(principle=None, status=Status.PENDING)
    reply = Reply.objects.create(
        reflection=ReflectionFactory(principle=None),
        author=UserFactory(),
        body="待审",
        body_html="<p>待审</p>",
        status=Status.PENDING,
    )
    assert moderation.pending_locked(model=Reflection, pk=reflection.pk) == reflection
    assert moderation.pending_locked(model=Reply, pk=reply.pk) == reply
    decided = pending_reflection_decide(
        reflection_id=reflection.pk, decision="reject", moderator=moderator, reason="离题"
    )
    assert decided is not None and decided.rejection_reason == "离题"
    assert pending_reply_decide(reply_id=reply.pk, approve=True, moderator=moderator)
    # Decided: neither is in the queue any more, so a second press changes nothing.
    assert moderation.pending_locked(model=Reflection, pk=reflection.pk) is None
    assert (
        pending_reflection_decide(
            reflection_id=reflection.pk, decision="approve", moderator=moderator
        )
        is None
    )
    assert pending_reply_decide(reply_id=reply.pk, approve=False, moderator=moderator) is None


@pytest.fixture
def deletions(monkeypatch):
    """Every call of ``reflection_delete``, by whichever caller (view or admin)."""
    calls = []
    real = reflection_services.reflection_delete

    def spy(*, reflection, moderator=None):
        calls.append((reflection.pk, moderator))
        real(reflection=reflection, moderator=moderator)

    monkeypatch.setattr(reflections_views, "reflection_delete", spy)
    monkeypatch.setattr(reflections_admin, "reflection_delete", spy)
    return calls


def flagged_reflection(**kwargs):
    reflection = ReflectionFactory(principle=None, **kwargs)
    flag = FlagFactory(item=reflection)
    return reflection, flag


def test_the_author_deletes_through_the_service(client, deletions):
    reflection, flag = flagged_reflection()
    assert SearchDocument.objects.filter(reflection=reflection).exists()
    client.force_login(reflection.author)
    response = client.post(reverse("experiences:reflection_delete", args=[reflection.pk]))
    assert response.status_code == 302
    assert deletions == [(reflection.pk, None)]
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    flag.refresh_from_db()
    assert flag.outcome == Flag.Outcome.DELETED
    assert not SearchDocument.objects.filter(reflection_id=reflection.pk).exists()
    assert not ModerationLog.objects.filter(action="delete").exists()  # an author's own act


def test_the_admin_deletes_one_through_the_service(moderator_client, deletions):
    reflection, flag = flagged_reflection()
    moderator_client.post(
        reverse("admin:experiences_reflection_delete", args=[reflection.pk]), {"post": "yes"}
    )
    moderator = moderator_client.user
    assert deletions == [(reflection.pk, moderator)]
    flag.refresh_from_db()
    assert flag.outcome == Flag.Outcome.DELETED
    log = ModerationLog.objects.get(action="delete")
    assert log.actor == moderator and str(reflection.pk) in log.subject


def test_the_admin_bulk_delete_goes_through_the_service(moderator_client, deletions):
    (first, first_flag), (second, _) = flagged_reflection(), flagged_reflection()
    moderator_client.post(
        reverse("admin:experiences_reflection_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert sorted(pk for pk, _ in deletions) == sorted([first.pk, second.pk])
    assert not Reflection.objects.filter(pk__in=[first.pk, second.pk]).exists()
    first_flag.refresh_from_db()
    assert first_flag.outcome == Flag.Outcome.DELETED
    assert ModerationLog.objects.filter(action="delete").count() == 2
