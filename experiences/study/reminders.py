"""学习专题 reach members as notifications: assigned, and due soon.

Both can concern thousands of members, so neither runs inside a request: a
topic's save and an organiser's 发送提醒 queue a job on commit (the
notifications domain's task queue, ``make worker``), and the daily
``manage.py study_remind`` delivers in its own process. Each delivery is
idempotent: a reminder request is sent once (``sent_at``, under a row lock);
an assignment tells only members the topic's earlier targets did not cover.
Neither is mailed, so the mail opt-out has nothing to hold back.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from experiences.notifications.services import (
    notification_for_study_assigned,
    notification_for_study_due,
)
from experiences.notifications.tasks import task_enqueue
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.selectors import members_of, reminder_recipients
from experiences.units.scope import roots_within

REMIND_TASK = "experiences.study.reminders.study_reminder_deliver_task"
ASSIGN_TASK = "experiences.study.reminders.study_assigned_deliver_task"


def study_write_url(topic: StudyTopic) -> str:
    """Where a member writes for the topic (the form with the topic chosen)."""
    return f"{reverse('experiences:reflection_create')}?study_topic={topic.pk}"


@transaction.atomic
def study_reminder_deliver(*, reminder_id: int) -> int:
    """Tell each member a reminder request is for; returns how many. Sent once."""
    reminder = (
        StudyReminderRequest.objects.select_for_update()
        .select_related("topic")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.sent_at is not None:
        return 0
    topic = reminder.topic
    sent = 0
    for member in reminder_recipients(reminder=reminder).iterator(chunk_size=500):
        notification_for_study_due(
            recipient=member,
            topic_title=topic.title,
            url=study_write_url(topic),
            due=topic.due_date,
        )
        sent += 1
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_at"])
    return sent


def study_reminder_deliver_task(reminder_id: int) -> int:
    return study_reminder_deliver(reminder_id=reminder_id)


def study_reminder_enqueue(*, reminder: StudyReminderRequest) -> None:
    transaction.on_commit(lambda: task_enqueue(REMIND_TASK, reminder.pk))


@transaction.atomic
def study_assigned_deliver(*, topic_id: int, previous_targets: list[str]) -> int:
    """Tell the members the topic's targets now cover and ``previous_targets`` did not."""
    topic = StudyTopic.objects.filter(pk=topic_id).first()
    if topic is None or topic.due_date < timezone.localdate():
        return 0
    targets = roots_within(list(topic.target_units.values_list("path", flat=True)), None)
    members = members_of(targets)
    if previous_targets:
        members = members.exclude(pk__in=members_of(roots_within(previous_targets, None)))
    told = 0
    for member in members.iterator(chunk_size=500):
        notification_for_study_assigned(
            recipient=member,
            topic_title=topic.title,
            url=study_write_url(topic),
            due=topic.due_date,
        )
        told += 1
    return told


def study_assigned_deliver_task(topic_id: int, previous_targets: list[str]) -> int:
    return study_assigned_deliver(topic_id=topic_id, previous_targets=previous_targets)


def study_assigned_enqueue(*, topic: StudyTopic, previous_targets: list[str]) -> None:
    transaction.on_commit(lambda: task_enqueue(ASSIGN_TASK, topic.pk, previous_targets))
