"""Writing 学习专题: saving a topic (from the admin) and recording reminder requests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.core.text import line_clean
from experiences.core.viewer_state import viewer_state_changed
from experiences.essays.models import Essay, Principle
from experiences.study.access import topic_editable_with
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.reminders import study_assigned_enqueue
from experiences.units.scope import path_within, viewer_scope

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.accounts.models import User
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

    With an ``actor`` the scope rule holds here, whatever form called: only
    someone whose scope covers every current target may change a topic, new
    targets must lie in their scope, and organisers outside it are kept (an
    organiser cannot remove a colleague of another town). Only principles of
    published essays may be studied: a draft's text must not reach the 汇编.
    Members the targets newly cover are told once the save commits (a queued job).
    """
    previous_targets = (
        list(topic.target_units.values_list("path", flat=True)) if topic.pk is not None else []
    )
    principles = list(principles)
    target_units, organisers = list(target_units), list(organisers)
    chosen = [principle.pk for principle in principles]
    drafts = Principle.objects.filter(pk__in=chosen).exclude(essay__status=Essay.Status.PUBLISHED)
    if drafts.exists():
        raise ValidationError({"principles": _("只能选择已发布文章中的原则。")})
    if actor is not None:
        scope = viewer_scope(actor)
        if not topic_editable_with(previous_targets, scope):
            raise PermissionDenied
        if not all(path_within(unit.path, scope) for unit in target_units):
            raise PermissionDenied
        if scope is not None:
            # The actor manages organisers in their subtree only; the others stay as they were.
            def theirs(person: User) -> bool:
                return person.org_unit is not None and path_within(person.org_unit.path, scope)

            kept = []
            if topic.pk is not None:
                kept = [p for p in topic.organisers.select_related("org_unit") if not theirs(p)]
            organisers = [person for person in organisers if theirs(person)] + kept
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
    # Whose open topic it is changes what shared pages know of every viewer.
    viewer_state_changed()
    return topic


@transaction.atomic
def study_topics_delete(*, topics: Iterable[StudyTopic]) -> None:
    """Delete topics (the admin's delete and bulk delete): nobody studies them any more."""
    for topic in topics:
        topic.delete()
    viewer_state_changed()


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
