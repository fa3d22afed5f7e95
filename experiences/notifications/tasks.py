"""Mail for notifications, sent by the task queue's worker and never inside a request.

The queue is RQ on Redis (``manage.py rqworker mail``; ``make worker``). A job is
enqueued once the transaction that raised the notification commits, so the worker
never looks for a row that is not there yet (or was rolled back). A job that fails
is retried (``KB_TASK_RETRY_INTERVALS``); after the last retry it is written to
``FailedTask``, the dead letters an administrator sees in the admin.

In development and tests without a queue (``KB_TASKS_IMMEDIATE``) the same job runs
in-process right after commit, with the same retries and dead letter, so ``make run``
stays one command.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from experiences.core.site import site_url
from experiences.notifications.models import FailedTask, Notification

logger = logging.getLogger("kb.tasks")

QUEUE_NAME = "mail"
MAIL_TASK = "experiences.notifications.tasks.notification_mail_send"
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


def notification_mail_send(notification_id: int) -> bool:
    """The job: mail one notification to its recipient, if they still want mail.

    Returns whether a mail went out. Raises on a mail-server error so the queue retries.
    """
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return False  # deleted with its recipient or reflection since
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email and recipient.email_notifications):
        return False
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
    send_mail(
        subject=_("基层心得知识库\uff1a%(text)s") % {"text": notification.text[:80]},
        message=render_to_string("notifications/email.txt", context),
        from_email=None,
        recipient_list=[recipient.email],
    )
    return True


def notification_mail_enqueue(*, notification_id: int) -> None:
    transaction.on_commit(lambda: task_enqueue(MAIL_TASK, notification_id))


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
