"""Concurrent requests: one 点赞 per user and one reflection per submission, whatever the timing.

On PostgreSQL the requests really run at once, each thread with its own
connection. SQLite serializes writers, so there the same calls run one after
another: the outcome rules are the same.
"""

import threading
import time
import uuid

import pytest
from django.db import connection, connections

from experiences.moderation.services import ReflectionRateLimited
from experiences.reflections.models import Like, Reflection
from experiences.reflections.services import (
    like_counts_recount,
    like_set,
    reflection_create,
)
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 12
JOIN_SECONDS = 30
# In the test id: on SQLite the calls run one after another, which proves less.
AT_ONCE = connection.vendor == "postgresql"
CALLS = "at-once" if AT_ONCE else "one-after-another-on-sqlite"


@pytest.fixture(params=[CALLS])
def calls(request):
    """Puts CALLS in the id of each test that runs calls at once."""
    return request.param


def run_at_once(target, count=WORKERS):
    errors = []
    if not AT_ONCE:
        for _ in range(count):
            target()
        return errors
    barrier = threading.Barrier(count)

    def worker():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    # Daemons: a call that never returns fails its test below, and must not hold up pytest.
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_SECONDS  # for all of them: a hang guard, not a timing
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    running = sum(thread.is_alive() for thread in threads)
    if running:
        pytest.fail(f"{running} of {count} calls still running after {JOIN_SECONDS} s (deadlock?)")
    return errors


def test_concurrent_likes_by_one_user_store_one_like(calls):
    reflection = ReflectionFactory()
    liker = UserFactory()
    errors = run_at_once(lambda: like_set(user=liker, reflection=reflection, liked=True))
    assert errors == []
    assert Like.objects.filter(reflection=reflection, user=liker).count() == 1
    reflection.refresh_from_db()
    assert reflection.like_count == 1


def test_concurrent_likes_by_many_users_are_all_counted(calls):
    reflection = ReflectionFactory()
    likers = UserFactory.create_batch(WORKERS)
    queue = list(likers)
    lock = threading.Lock()

    def like_next():
        with lock:
            user = queue.pop()
        like_set(user=user, reflection=reflection, liked=True)

    assert run_at_once(like_next) == []
    assert reflection.likes.count() == WORKERS
    reflection.refresh_from_db()
    assert reflection.like_count == WORKERS


def test_concurrent_unlikes_never_go_below_the_real_count(calls):
    reflection = ReflectionFactory()
    liker = UserFactory()
    like_set(user=liker, reflection=reflection, liked=True)
    assert run_at_once(lambda: like_set(user=liker, reflection=reflection, liked=False)) == []
    reflection.refresh_from_db()
    assert reflection.like_count == 0 == reflection.likes.count()


def test_recount_repairs_counts_after_bulk_loads():
    reflection = ReflectionFactory()
    Like.objects.bulk_create([Like(user=UserFactory(), reflection=reflection) for _ in range(3)])
    like_counts_recount()
    reflection.refresh_from_db()
    assert reflection.like_count == 3


def test_concurrent_double_submit_stores_one_reflection(calls):
    author = UserFactory()
    token = uuid.uuid4()
    results = []

    def submit():
        reflection, _ = reflection_create(
            author=author,
            principle=None,
            title="",
            body="同一次提交",
            tags=["甲"],
            submission_token=token,
        )
        results.append(reflection.pk)

    assert run_at_once(submit) == []
    assert Reflection.objects.filter(author=author).count() == 1
    assert len(set(results)) == 1


def test_concurrent_posts_with_different_tokens_respect_the_hourly_limit(settings, calls):
    """20 posts at once, each its own form: exactly the limit is stored, the rest refused."""
    settings.REFLECTIONS_PER_HOUR = 10
    author = UserFactory()
    outcomes = []

    def post():
        try:
            reflection_create(
                author=author,
                principle=None,
                title="",
                body="同时提交。",
                tags=[],
                submission_token=uuid.uuid4(),
            )
            outcomes.append("stored")
        except ReflectionRateLimited:
            outcomes.append("refused")

    errors = run_at_once(post, count=20)
    assert errors == []
    assert Reflection.objects.filter(author=author).count() == 10
    assert sorted(outcomes) == ["refused"] * 10 + ["stored"] * 10
