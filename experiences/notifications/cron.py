"""The mail outbox's periodic job, registered by experiences/study/cron.py (`make cron`).

Every KB_MAIL_SWEEP_SECONDS the sweep goes on the queue: it queues again each mail
not sent by its due time (a job lost with Redis' memory, a worker that was down or
killed, a retry after a failure). The outbox is in the database, so the sweep needs
nothing that Redis may have forgotten.
"""

from django.conf import settings
from rq import cron

from experiences.notifications.tasks import QUEUE_NAME, outgoing_mail_sweep


def mail_sweep_register() -> None:
    """Called by the cron module each time the scheduler loads it."""
    cron.register(outgoing_mail_sweep, QUEUE_NAME, interval=settings.KB_MAIL_SWEEP_SECONDS)
