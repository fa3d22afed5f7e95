"""Writing 学习专题: saving a topic (from the admin) and recording reminder requests."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from experiences.core.text import line_clean
from experiences.study.models import StudyReminderRequest, StudyTopic

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
    """Create (``topic`` unsaved) or update a topic with its principles, units and organisers."""
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
    return topic


def study_reminder_request(
    *, topic: StudyTopic, requested_by: User | None, recipients: int
) -> StudyReminderRequest:
    """Record that members of ``topic`` who have not submitted should be reminded.

    The notification queue delivers pending requests and sets ``sent_at``.
    """
    return StudyReminderRequest.objects.create(
        topic=topic, requested_by=requested_by, recipients=recipients
    )
