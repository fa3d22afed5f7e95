"""Mail is neither lost nor sent twice when Redis, the worker or the mail server fail.

Each test starts a Redis of its own (127.0.0.1, a free port, no persistence), so it
can kill and restart it: a restarted Redis has lost every queued job, as a
production Redis without persistence would. The worker runs in burst mode in this
process (SimpleWorker) so that Django's test outbox sees what it sends.
"""

import pytest
from django.core import mail
from django.core.management import call_command

from experiences.notifications.models import OutgoingMail
from experiences.notifications.tasks import QUEUE_NAME, outgoing_mail_send, outgoing_mail_sweep
from experiences.reflections.moderation import reflection_publish
from tests.factories import ReflectionFactory, UserFactory
from tests.servers import OwnRedis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_redis(settings):
    server = OwnRedis()
    server.start()
    settings.KB_TASKS_IMMEDIATE = False
    settings.RQ_QUEUES = {"mail": {"URL": server.url, "DEFAULT_TIMEOUT": 60}}
    settings.KB_TASK_RETRY_INTERVALS = [0, 0]
    settings.KB_MAIL_SWEEP_GRACE_SECONDS = 0  # overdue at once: the sweep need not wait
    yield server
    server.kill()


def queued() -> int:
    import django_rq

    return django_rq.get_queue(QUEUE_NAME).count


def worker_run() -> None:
    call_command("rqworker", QUEUE_NAME, burst=True, worker_class="rq.worker.SimpleWorker")


def approvals(seed_essay, count):
    principle = seed_essay.principles.get(position=1)
    for index in range(count):
        author = UserFactory(email=f"author{index}@example.cn")
        reflection = ReflectionFactory(principle=principle, author=author, status="pending")
        reflection_publish(reflection=reflection)


def delivered_ids() -> list[str]:
    return [message.extra_headers["Message-ID"] for message in mail.outbox]


def test_mails_queued_before_redis_lost_its_memory_are_all_sent(own_redis, seed_essay):
    approvals(seed_essay, 5)  # the worker is stopped
    assert queued() == 5
    own_redis.restart()
    assert queued() == 0  # the jobs are gone with Redis' memory
    assert outgoing_mail_sweep() == 5  # the outbox remembers
    worker_run()
    assert len(mail.outbox) == 5
    assert sorted(delivered_ids()) == sorted(
        OutgoingMail.objects.values_list("message_id", flat=True)
    )
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
    assert outgoing_mail_sweep() == 0  # nothing left: no duplicates either
    worker_run()
    assert len(mail.outbox) == 5


def test_an_approval_while_redis_is_down_succeeds_and_its_mail_goes_later(own_redis, seed_essay):
    own_redis.kill()
    approvals(seed_essay, 1)  # no error for the moderator: the mail waits in the outbox
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 1
    own_redis.start()
    assert outgoing_mail_sweep() == 1
    worker_run()
    assert len(mail.outbox) == 1


class WorkerKilled(BaseException):
    """Stands for kill -9 between the mail server's accept and the record of it."""


ACCEPTED: list = []


class AcceptsThenDies:
    """A mail server that accepts the message; then the worker dies before recording it."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        ACCEPTED.extend(messages)
        raise WorkerKilled


def test_a_job_killed_after_the_server_accepted_sends_at_most_one_duplicate(
    own_redis, seed_essay, settings
):
    ACCEPTED.clear()
    approvals(seed_essay, 1)
    outgoing = OutgoingMail.objects.get()
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox_faults.AcceptsThenDies"
    with pytest.raises(WorkerKilled):
        outgoing_mail_send(outgoing.pk)
    outgoing.refresh_from_db()
    assert outgoing.sent_at is None  # the record died with the worker
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    own_redis.restart()  # and its job with Redis, for good measure
    assert outgoing_mail_sweep() == 1
    worker_run()
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    # Sent twice in all, the same message both times: a reader's mail client can tell.
    assert [m.extra_headers["Message-ID"] for m in ACCEPTED] == [outgoing.message_id]
    assert delivered_ids() == [outgoing.message_id]
    # Recorded now: no further sweep, job or duplicate job sends it again.
    assert outgoing_mail_sweep() == 0
    assert outgoing_mail_send(outgoing.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_two_jobs_for_one_mail_send_it_once(own_redis, seed_essay):
    approvals(seed_essay, 1)
    assert outgoing_mail_sweep() == 1  # overdue at once here: queued a second time
    assert queued() == 2
    worker_run()
    assert len(mail.outbox) == 1
