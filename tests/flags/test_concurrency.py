"""Concurrent 举报 and replies: one flag per reader, the threshold always reached, one reply
per submission, whatever the timing (really at once on PostgreSQL; see reflections' test)."""

import itertools
import threading
import uuid

import pytest

from experiences.flags.models import Flag
from experiences.flags.services import flag_create
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply
from experiences.replies.services import reply_create
from tests.factories import EstablishedUserFactory, ReflectionFactory, UserFactory
from tests.reflections.test_concurrency import WORKERS, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_reader_flagging_at_once_stores_one_flag():
    reflection = ReflectionFactory()
    reader = UserFactory()
    errors = run_at_once(lambda: flag_create(reporter=reader, item=reflection, reason="spam"))
    assert errors == []
    assert Flag.objects.filter(reflection=reflection, reporter=reader).count() == 1
    assert not Reflection.objects.get(pk=reflection.pk).flag_hidden


def test_readers_flagging_at_once_reach_the_threshold(settings):
    settings.KB_FLAG_HIDE_THRESHOLD = WORKERS
    reflection = ReflectionFactory()
    readers = iter(EstablishedUserFactory.create_batch(WORKERS))
    lock = threading.Lock()

    def flag():
        with lock:
            reader = next(readers)
        flag_create(reporter=reader, item=reflection, reason="abuse")

    assert run_at_once(flag) == []
    assert Flag.objects.filter(reflection=reflection).count() == WORKERS
    assert Reflection.objects.get(pk=reflection.pk).flag_hidden


def test_one_submission_sent_at_once_stores_one_reply():
    reflection = ReflectionFactory()
    author = UserFactory()
    ReflectionFactory(author=author)  # trusted: published at once, counted
    token = uuid.uuid4()
    counter = itertools.count()
    errors = run_at_once(
        lambda: reply_create(
            author=author,
            reflection=reflection,
            body=f"回复{next(counter)}",
            submission_token=token,
        )
    )
    assert errors == []
    assert Reply.objects.filter(author=author).count() == 1
    assert Reflection.objects.get(pk=reflection.pk).reply_count == 1
