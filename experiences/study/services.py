"""Writing 学习专题: saving a topic (from the admin) and recording reminder requests."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from experiences.core.text import line_clean
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.reminders import study_assigned_enqueue

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.accounts.models import User
    from experiences.essays.models import Principle
    from experiences.units.models import Unit


@transaction.atomic
def study_topic_save(
    *,
    topic: StudyTopic,
    title: str,
    description: str,
    start_date: datetime.date,
    due_date: datetime.date,
    principles: Iterable[Principle],
    target_units: Iterable[Unit],
    organisers: Iterable[User],
    actor: User | None = None,
) -> StudyTopic:
    """Create (``topic`` unsaved) or update a topic with its principles, units and organisers.

    Members the targets newly cover are told once the save commits (a queued job).
    """
    previous_targets = (
        list(topic.target_units.values_list("path", flat=True)) if topic.pk is not None else []
    )
    topic.title = line_clean(title).strip()
    topic.description = description.replace("\x00", "").strip()
    topic.start_date, topic.due_date = start_date, due_date
    if topic.pk is None:
        topic.created_by = actor
    topic.full_clean(exclude=["principles", "target_units", "organisers"])
    topic.save()
    topic.principles.set(principles)
    topic.target_units.set(target_units)
    topic.organisers.set(organisers)
    study_assigned_enqueue(topic=topic, previous_targets=previous_targets)
    return topic


REMINDER_QUIET_MINUTES = 10


@transaction.atomic
def study_reminder_request(
    *, topic: StudyTopic, requested_by: User | None, recipients: int
) -> tuple[StudyReminderRequest, bool]:
    """Record that members of ``topic`` who have not submitted should be reminded.

    Returns (request, created). A request from the last few minutes (sent
    already or not) is returned instead of a new one, so a double-clicked
    发送提醒 does not remind people twice. ``study.reminders`` delivers a
    request (queued, or in the daily command) and sets ``sent_at``.
    """
    # Lock the topic row: two concurrent clicks cannot both see "no recent request".
    StudyTopic.objects.select_for_update().filter(pk=topic.pk).exists()
    since = timezone.now() - datetime.timedelta(minutes=REMINDER_QUIET_MINUTES)
    recent = StudyReminderRequest.objects.filter(topic=topic, created_at__gte=since).first()
    if recent is not None:
        return recent, False
    created = StudyReminderRequest.objects.create(
        topic=topic, requested_by=requested_by, recipients=recipients
    )
    return created, True
