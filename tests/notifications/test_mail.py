"""Notification mail: put in the outbox, queued on commit, sent by the real worker, retried
by the sweep, dead-lettered; opting out.

The worker tests run RQ's worker command in burst mode against a private Redis
database (6), in this process (SimpleWorker, no fork) so that Django's test mail
outbox sees what it sends. They need the rows committed: transactional tests.
"""

import smtplib

import django_rq
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rq.registry import FailedJobRegistry

from experiences.notifications.models import Notification, OutgoingMail
from experiences.notifications.tasks import QUEUE_NAME, outgoing_mail_sweep, unsubscribe_token
from experiences.reflections.moderation import reflection_publish, reflection_reject
from tests.factories import ReflectionFactory, UserFactory
from tests.services import redis_url

QUEUE_URL = redis_url(6)


class BrokenMailServer:
    """An email backend whose server is always down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


@pytest.fixture
def queue(settings):
    settings.KB_TASKS_IMMEDIATE = False
    settings.RQ_QUEUES = {"mail": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": 60}}
    settings.KB_TASK_RETRY_INTERVALS = [0, 0]  # two retries, due at once (the sweep queues them)
    settings.SITE_URL = "https://kb.example.cn"
    queue = django_rq.get_queue(QUEUE_NAME)
    queue.empty()
    FailedJobRegistry(queue=queue).cleanup()
    for job_id in FailedJobRegistry(queue=queue).get_job_ids():
        FailedJobRegistry(queue=queue).remove(job_id, delete_job=True)
    yield queue
    queue.empty()


def worker_run() -> None:
    call_command("rqworker", QUEUE_NAME, burst=True, worker_class="rq.worker.SimpleWorker")


def author_with_mail(**kwargs):
    return UserFactory(email="xiaowang@example.cn", display_name="小王", **kwargs)


@pytest.mark.django_db(transaction=True)
def test_approval_mail_is_queued_on_commit_and_sent_by_the_worker(queue, seed_essay):
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(
        principle=principle, author=author_with_mail(), status="pending", title="先听后说"
    )
    with transaction.atomic():
        reflection_publish(reflection=reflection)
        assert queue.count == 0  # not before the commit
    assert queue.count == 1
    assert mail.outbox == []  # the request (here: the service) sends nothing itself
    worker_run()
    assert queue.count == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xiaowang@example.cn"]
    assert "《先听后说》已通过审核" in message.subject
    assert "https://kb.example.cn" + reflection.get_absolute_url() in message.body
    token = unsubscribe_token(user_id=reflection.author.pk)
    assert f"https://kb.example.cn/notifications/unsubscribe/{token}/" in message.body
    outgoing = OutgoingMail.objects.get()
    assert outgoing.sent_at is not None and outgoing.attempts == 1
    assert message.extra_headers["Message-ID"] == outgoing.message_id
    assert outgoing.message_id.endswith("@kb.example.cn>")


@pytest.mark.django_db(transaction=True)
def test_rejection_mail_carries_the_reason(queue, seed_essay):
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(principle=principle, author=author_with_mail(), status="pending")
    reflection_reject(reflection=reflection, reason="请补充具体做法")
    worker_run()
    assert len(mail.outbox) == 1
    assert "驳回理由\uff1a请补充具体做法" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_likes_are_not_mailed_and_opted_out_colleagues_get_none(queue, seed_essay):
    principle = seed_essay.principles.get(position=1)
    author = author_with_mail(email_notifications=False)
    reflection = ReflectionFactory(principle=principle, author=author, status="pending")
    reflection_publish(reflection=reflection)
    from experiences.reflections.services import like_set

    like_set(user=UserFactory(), reflection=reflection, liked=True)
    assert queue.count == 0  # no mail to send: neither the approval nor the 点赞
    assert not OutgoingMail.objects.exists()
    worker_run()
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=author).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_is_retried_by_the_sweep_then_is_a_dead_letter(queue, settings, seed_essay):
    settings.EMAIL_BACKEND = "tests.notifications.test_mail.BrokenMailServer"
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(principle=principle, author=author_with_mail(), status="pending")
    reflection_publish(reflection=reflection)
    for _attempt in range(3):  # the first try and two retries, each queued by the sweep
        worker_run()
        assert queue.count == 0
        outgoing_mail_sweep()
    assert queue.count == 0  # given up: nothing more to queue
    dead = OutgoingMail.objects.get()
    assert dead.attempts == 3
    assert dead.failed_at is not None and dead.sent_at is None
    assert "mail server down" in dead.last_error

    # Fixed: an administrator sends it again from the admin, and it goes out.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:experiences_outgoingmail_changelist")
    page = client.get(changelist, {"state": "failed"}).content.decode()
    assert "mail server down" in page and "xiaowang@example.cn" in page
    client.post(changelist, {"action": "retry", "_selected_action": [dead.pk]})
    worker_run()
    assert len(mail.outbox) == 1
    dead.refresh_from_db()
    assert dead.sent_at is not None and dead.failed_at is None


@pytest.mark.django_db(transaction=True)
def test_without_a_queue_jobs_run_in_process_after_commit(settings, seed_essay):
    settings.KB_TASKS_IMMEDIATE = True
    settings.KB_TASK_RETRY_INTERVALS = [60, 600]  # in-process: retried at once, no waiting
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(principle=principle, author=author_with_mail(), status="pending")
    with transaction.atomic():
        reflection_publish(reflection=reflection)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    settings.EMAIL_BACKEND = "tests.notifications.test_mail.BrokenMailServer"
    reflection_reject(reflection=reflection, reason="重复")
    dead = OutgoingMail.objects.get(failed_at__isnull=False)
    assert dead.attempts == 3


@pytest.mark.django_db
def test_the_profile_form_turns_mail_off(client):
    user = author_with_mail()
    client.force_login(user)
    page = client.get(reverse("profile_edit")).content.decode()
    assert "接收邮件通知" in page
    client.post(
        reverse("profile_edit"),
        {"display_name": "小王", "email": "xiaowang@example.cn"},  # the box left unticked
    )
    user.refresh_from_db()
    assert user.email_notifications is False


@pytest.mark.django_db
def test_unsubscribe_asks_then_turns_mail_off_without_signing_in(client):
    user = author_with_mail()
    url = reverse("experiences:notification_unsubscribe", args=[unsubscribe_token(user_id=user.pk)])
    page = client.get(url).content.decode()
    assert "确认退订" in page
    user.refresh_from_db()
    assert user.email_notifications is True  # a GET (a mail scanner) changes nothing
    page = client.post(url).content.decode()
    assert "已为 小王 关闭邮件通知" in page
    user.refresh_from_db()
    assert user.email_notifications is False


@pytest.mark.django_db
def test_a_tampered_unsubscribe_token_changes_nothing(client):
    user = author_with_mail()
    other = UserFactory(email="laoli@example.cn")
    token = unsubscribe_token(user_id=user.pk)
    forged = token.replace(token.split(":")[0], unsubscribe_token(user_id=other.pk).split(":")[0])
    for bad in (forged, token[:-2] + "xx", "abc", token + "\x00", "1"):
        url = reverse("experiences:notification_unsubscribe", args=[bad])
        response = client.post(url)
        assert response.status_code == 400
        assert "退订链接无效" in response.content.decode()
    for person in (user, other):
        person.refresh_from_db()
        assert person.email_notifications is True


@pytest.mark.django_db
def test_unsubscribe_post_needs_the_csrf_token():
    user = author_with_mail()
    client = Client(enforce_csrf_checks=True)
    url = reverse("experiences:notification_unsubscribe", args=[unsubscribe_token(user_id=user.pk)])
    assert client.post(url).status_code == 403
    user.refresh_from_db()
    assert user.email_notifications is True
