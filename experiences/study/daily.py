"""The daily 学习专题 reminders: one run records and delivers them for every open topic.

Called by `manage.py study_remind` (cron, or by hand) and by the task queue's
periodic job (`manage.py rqcron` puts ``study_reminders_daily_task`` on the queue
each day; the worker runs it). A second run the same day within the quiet period
reuses the day's request, already sent, so nobody is reminded twice.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from experiences.study.models import StudyTopic
from experiences.study.reminders import study_reminder_deliver
from experiences.study.selectors import study_reminders_due
from experiences.study.services import study_reminder_request


def study_reminders_send(*, today: datetime.date) -> tuple[int, int]:
    """Record one reminder request per topic due soon and deliver it: (topics, members told)."""
    per_topic: dict[int, tuple[StudyTopic, int]] = {}
    for _member, topic in study_reminders_due(today=today):
        _topic, count = per_topic.get(topic.pk, (topic, 0))
        per_topic[topic.pk] = (topic, count + 1)
    told = 0
    for topic, count in per_topic.values():
        with transaction.atomic():
            reminder, _created = study_reminder_request(
                topic=topic, requested_by=None, recipients=count
            )
        told += study_reminder_deliver(reminder_id=reminder.pk)
    return len(per_topic), told


def study_reminders_daily_task() -> int:
    """The queue's daily job: today's reminders (Asia/Shanghai date); returns members told."""
    _topics, told = study_reminders_send(today=timezone.localdate())
    return told
