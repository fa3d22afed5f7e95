"""Mail for notifications, sent by the task queue's worker and never inside a request.

Each mail is first written to the outbox (``OutgoingMail``) in the transaction of
the change that causes it; once that commits, the queue (RQ on Redis, ``manage.py
rqworker mail``; ``make worker``) gets the mail's id. Redis losing its memory, a
worker down or killed: a periodic sweep (``make cron``, every minute) queues again
what is unsent past its due time. A failed sending is retried the same way after
``KB_TASK_RETRY_INTERVALS``; after the last retry the mail is a dead letter an
administrator sees (and can send again) in the admin (待发邮件).

The guarantee: every mail at least once; a crash after the mail server accepted a
mail and before it was recorded sends it once more, with the same Message-ID.

Other jobs (the 学习专题 reminders) go through ``task_enqueue``: RQ retries them,
and after the last retry they are written to ``FailedTask`` (失败的任务).

In development and tests without a queue (``KB_TASKS_IMMEDIATE``) the same jobs run
in-process right after commit, with the same retries and dead letters, so ``make run``
stays one command.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.core.site import site_domain, site_url
from experiences.notifications.models import FailedTask, Notification, OutgoingMail

logger = logging.getLogger("kb.tasks")

QUEUE_NAME = "mail"
MAIL_TASK = "experiences.notifications.tasks.outgoing_mail_send"
SWEEP_TASK = "experiences.notifications.tasks.outgoing_mail_sweep"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int) -> str:
    # No timestamp: an unsubscribe link in an old mail still works.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id})


def unsubscribe_user_id(*, token: str) -> int | None:
    """The user id a token was signed for, or None when it was tampered with."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def outgoing_mail_create(*, notification: Notification) -> OutgoingMail | None:
    """Put the notification's mail in the outbox, in the caller's transaction; queue it on commit.

    None when the recipient wants no mail. The mail is written with the change that
    causes it, so it exists exactly when that change was committed, whatever happens
    to Redis or the worker afterwards.
    """
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email and recipient.email_notifications):
        return None
    site = site_url()
    context = {
        "notification": notification,
        "recipient": recipient,
        "link": site + notification.url if notification.url.startswith("/") else "",
        "notifications_link": site + reverse("experiences:notification_list"),
        "unsubscribe_link": site
        + reverse(
            "experiences:notification_unsubscribe",
            kwargs={"token": unsubscribe_token(user_id=recipient.pk)},
        ),
    }
    mail = OutgoingMail.objects.create(
        recipient=recipient,
        to=recipient.email,
        subject=_("基层心得知识库\uff1a%(text)s") % {"text": notification.text[:80]},
        body=render_to_string("notifications/email.txt", context),
        # Chosen once: a second sending after a crash is recognisably the same message.
        message_id=make_msgid(domain=site_domain().split(":")[0] or "localhost"),
        due_at=timezone.now() + timedelta(seconds=settings.KB_MAIL_SWEEP_GRACE_SECONDS),
    )
    outgoing_mail_enqueue(mail_id=mail.pk)
    return mail


def outgoing_mail_enqueue(*, mail_id: int) -> None:
    transaction.on_commit(lambda: mail_job_enqueue(mail_id))


def mail_job_enqueue(mail_id: int) -> None:
    """Hand one outbox mail to the queue (or, without one, send it here). Never raises.

    No queue retries: a mail that failed or whose job was lost is queued again by
    the sweep once due, from what PostgreSQL holds.
    """
    if settings.KB_TASKS_IMMEDIATE:
        # In-process (development, tests): the retries at once, no sweep needed.
        for _attempt in range(len(settings.KB_TASK_RETRY_INTERVALS) + 1):
            if outgoing_mail_send(mail_id) != "failed":
                return
        return
    import django_rq

    try:
        django_rq.get_queue(QUEUE_NAME).enqueue(MAIL_TASK, mail_id)
    except Exception:
        # Redis is down: the mail waits in the outbox; the sweep queues it once it is due.
        logger.warning("could not enqueue mail %s: the sweep will", mail_id, exc_info=True)


def outgoing_mail_send(mail_id: int) -> str:
    """The job: send one outbox mail unless it was sent; "sent", "skipped" or "failed".

    The row stays locked while the mail server is spoken to, so two jobs for one mail
    (the sweep queued it again) never both send it; the second finds it sent. The
    sending is recorded right after the server accepts it: killed in between, the
    sweep sends it once more, with the same Message-ID (at least once, at most one
    duplicate per crash). A failure is recorded and retried by the sweep after
    KB_TASK_RETRY_INTERVALS; after the last one the mail is a dead letter.
    """
    error = ""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=mail_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if mail is None:
            return "skipped"  # sent, given up, deleted, or being sent by another job right now
        recipient = mail.recipient
        if not (recipient.is_active and recipient.email_notifications):
            mail.delete()  # unsubscribed (or deactivated) since
            return "skipped"
        now = timezone.now()
        mail.attempts += 1
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            to=[mail.to],
            headers={"Message-ID": mail.message_id},
        )
        try:
            message.send()
        except Exception as exc:
            error = "".join(traceback.format_exception_only(exc)).strip()
            intervals = list(settings.KB_TASK_RETRY_INTERVALS)
            mail.last_error = error[:2000]
            if mail.attempts > len(intervals):
                mail.failed_at = now
            else:
                mail.due_at = now + timedelta(seconds=intervals[mail.attempts - 1])
        else:
            mail.sent_at = now
        mail.save(update_fields=["attempts", "sent_at", "failed_at", "due_at", "last_error"])
    if error:
        logger.warning("mail %s failed (attempt %d): %s", mail_id, mail.attempts, error)
        return "failed"
    return "sent"


def outgoing_mail_sweep() -> int:
    """The periodic job: queue again every mail not sent by its due time; returns how many.

    Covers a job lost with Redis' memory, a worker down or killed, and the retries
    of failed mails. Each is given KB_MAIL_SWEEP_GRACE_SECONDS before the next sweep
    queues it once more.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, failed_at__isnull=True, due_at__lte=now)
            .order_by("due_at")
            .values_list("pk", flat=True)[:1000]
        )
        OutgoingMail.objects.filter(pk__in=due).update(
            due_at=now + timedelta(seconds=settings.KB_MAIL_SWEEP_GRACE_SECONDS)
        )
        for mail_id in due:
            outgoing_mail_enqueue(mail_id=mail_id)
    return len(due)


def outgoing_mail_retry(*, mail: OutgoingMail) -> None:
    """An administrator sends a dead letter once more (after fixing the mail server)."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True).update(
            failed_at=None, attempts=0, last_error="", due_at=timezone.now()
        )
        outgoing_mail_enqueue(mail_id=mail.pk)


def task_enqueue(task: str, *args: Any) -> None:
    """Hand a job to the queue (or, without one, run it here). Never raises."""
    intervals = list(settings.KB_TASK_RETRY_INTERVALS)
    if settings.KB_TASKS_IMMEDIATE:
        _run_in_process(task, args, attempts=len(intervals) + 1)
        return
    import django_rq
    from rq import Callback, Retry

    try:
        django_rq.get_queue(QUEUE_NAME).enqueue(
            task,
            *args,
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            on_failure=Callback(dead_letter_record),
            meta={"attempts": len(intervals) + 1},
        )
    except Exception:
        # The queue is down: the notification itself is stored; only its mail is lost.
        logger.exception("could not enqueue %s%r", task, args)
        FailedTask.objects.create(
            job_id="",
            task=task,
            arguments={"args": list(args)},
            error=traceback.format_exc(),
            attempts=0,
        )


def _run_in_process(task: str, args: tuple[Any, ...], *, attempts: int) -> None:
    from django.utils.module_loading import import_string

    function = import_string(task)
    for attempt in range(1, attempts + 1):
        try:
            function(*args)
            return
        except Exception:
            logger.warning("task %s%r failed (attempt %d)", task, args, attempt, exc_info=True)
            if attempt == attempts:
                FailedTask.objects.create(
                    job_id="",
                    task=task,
                    arguments={"args": list(args)},
                    error=traceback.format_exc(),
                    attempts=attempts,
                )


def dead_letter_record(
    job: Any,
    connection: Any,
    exc_type: type[BaseException],
    exc_value: BaseException,
    tb: TracebackType | None,
) -> None:
    """RQ's failure callback: runs on every failure; only the last one is a dead letter."""
    if job.retries_left:
        return  # RQ retries it
    FailedTask.objects.create(
        job_id=job.id,
        task=job.func_name,
        arguments={"args": list(job.args), "kwargs": dict(job.kwargs)},
        error="".join(traceback.format_exception(exc_type, exc_value, tb)),
        attempts=job.meta.get("attempts", 1),
    )


def failed_task_retry(*, failed_task: FailedTask) -> None:
    """An administrator sends a dead letter back to the queue (after fixing the mail server)."""
    args = failed_task.arguments.get("args", [])
    with transaction.atomic():
        failed_task.delete()
        transaction.on_commit(lambda: task_enqueue(failed_task.task, *args))
