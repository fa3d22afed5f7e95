"""The task queue's periodic jobs: `manage.py rqcron experiences.study.cron` (`make cron`).

django-rq's cron scheduler loads this module and, at each job's time, puts the job
on the queue; the worker (`make worker`) runs it with the mail jobs' retries. The
学习专题 reminders, daily at KB_STUDY_REMIND_CRON (a cron line in UTC; the default
"0 0 * * *" is 08:00 Beijing time; `manage.py study_remind` does the same run by
hand or from the system's cron), and hourly, deleting expired export files.

The same scheduler runs the mail outbox's sweep (experiences/notifications/cron.py),
so one `make cron` per deployment keeps all three.
"""

from django.conf import settings
from rq import cron

from experiences.exports.services import export_jobs_prune_task
from experiences.notifications.cron import mail_sweep_register
from experiences.notifications.tasks import QUEUE_NAME
from experiences.study.daily import study_reminders_daily_task

cron.register(study_reminders_daily_task, QUEUE_NAME, cron=settings.KB_STUDY_REMIND_CRON)
mail_sweep_register()
cron.register(export_jobs_prune_task, QUEUE_NAME, cron="17 * * * *")
