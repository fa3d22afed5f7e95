"""Reading 学习专题: members' tasks, the per-unit report rolled up the tree, reminders due.

Counts are aggregated in the database, grouped by unit (one query), then
summed up the tree in Python over the unit list (one query): the number of
queries does not grow with units or members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experiences.reflections.models import Reflection
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.units.models import Unit
from experiences.units.scope import ancestor_paths, roots_within, viewer_scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from experiences.accounts.models import User

SUBMITTED = [Reflection.Status.PENDING, Reflection.Status.PUBLISHED]


class TaskStatus:
    NOT_STARTED = _("未开始")
    SUBMITTED = _("已提交")
    PASSED = _("已通过")
    OVERDUE = _("逾期")


def task_status(*, submitted: bool, published: bool, due: datetime.date, today: datetime.date):
    if published:
        return TaskStatus.PASSED
    if submitted:
        return TaskStatus.SUBMITTED
    if today > due:
        return TaskStatus.OVERDUE
    return TaskStatus.NOT_STARTED


def _in_subtrees(prefix: str, roots: list[str]) -> Q:
    """Rows whose unit lies in any of the subtrees; nothing when there are no roots."""
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(**{f"{prefix}path__startswith": root})
    return condition


def topics_for_member(*, member: User, today: datetime.date) -> QuerySet[StudyTopic]:
    """The topics assigned to the member's unit (a target unit includes its subtree)."""
    if member.org_unit_id is None:
        return StudyTopic.objects.none()
    path = Unit.objects.filter(pk=member.org_unit_id).values_list("path", flat=True).first()
    if path is None:
        return StudyTopic.objects.none()
    ids = StudyTopic.objects.filter(
        target_units__path__in=ancestor_paths(path), start_date__lte=today
    ).values("pk")
    return StudyTopic.objects.filter(pk__in=ids)


def open_topics_for_member(*, member: User, today: datetime.date) -> QuerySet[StudyTopic]:
    """The topics the member may write for today (the reflection form's choices)."""
    return topics_for_member(member=member, today=today).filter(due_date__gte=today)


@dataclass
class Task:
    topic: StudyTopic
    status: StrOrPromise


def member_tasks(
    *, member: User, today: datetime.date | None = None, limit: int = 10
) -> list[Task]:
    """我的学习任务: one query, newest due date first."""
    today = today or timezone.localdate()
    mine = Reflection.objects.filter(author=member, study_topic=OuterRef("pk"))
    topics = (
        topics_for_member(member=member, today=today)
        .annotate(
            submitted=Exists(mine.filter(status__in=SUBMITTED)),
            published=Exists(mine.filter(status=Reflection.Status.PUBLISHED)),
        )
        .order_by("-due_date", "-pk")[:limit]
    )
    return [
        Task(
            topic=topic,
            status=task_status(
                submitted=topic.submitted,
                published=topic.published,
                due=topic.due_date,
                today=today,
            ),
        )
        for topic in topics
    ]


@dataclass
class UnitRow:
    unit: Unit
    level: int
    members: int = 0
    submitted: int = 0
    published: int = 0

    @property
    def rate(self) -> float:
        return self.submitted / self.members if self.members else 0.0

    @property
    def rate_percent(self) -> str:
        """A unit with nobody in it has no rate: "—", not a 0.0% that reads as nobody wrote."""
        return f"{self.rate * 100:.1f}%" if self.members else "\u2014"


def _members(roots: list[str]):
    return get_user_model().objects.filter(_in_subtrees("org_unit__", roots), is_active=True)


def members_of(roots: list[str]) -> QuerySet[User]:
    """Active members of the units under ``roots`` (materialised paths), subtrees included."""
    return _members(roots) if roots else get_user_model().objects.none()


def report_rows(*, topic: StudyTopic, roots: list[str]) -> tuple[list[UnitRow], UnitRow | None]:
    """Per unit (subtree included): members, submitted, published; plus the total. Two queries."""
    units = list(Unit.objects.filter(_in_subtrees("", roots)).order_by("path"))
    if not units:
        return [], None
    counts = (
        _members(roots)
        .annotate(
            topic_reflection=FilteredRelation(
                "reflections", condition=Q(reflections__study_topic=topic)
            )
        )
        .values("org_unit__path")
        .annotate(
            members=Count("pk", distinct=True),
            submitted=Count("pk", distinct=True, filter=Q(topic_reflection__status__in=SUBMITTED)),
            published=Count(
                "pk",
                distinct=True,
                filter=Q(topic_reflection__status=Reflection.Status.PUBLISHED),
            ),
        )
        .order_by()
    )
    root_depth = {root: len(root) // Unit.steplen for root in roots}
    rows = {}
    for unit in units:
        top = next(root for root in roots if unit.path.startswith(root))
        rows[unit.path] = UnitRow(unit=unit, level=unit.depth - root_depth[top])
    for count in counts:
        for path in ancestor_paths(count["org_unit__path"]):
            row = rows.get(path)
            if row is not None:
                row.members += count["members"]
                row.submitted += count["submitted"]
                row.published += count["published"]
    ordered = list(rows.values())
    total = UnitRow(unit=Unit(name=str(_("合计"))), level=0)
    for root in roots:
        total.members += rows[root].members
        total.submitted += rows[root].submitted
        total.published += rows[root].published
    return ordered, total


def members_with_status(*, topic: StudyTopic, unit: Unit):
    """The members of the unit's subtree, each annotated with submitted/published."""
    theirs = Reflection.objects.filter(author=OuterRef("pk"), study_topic=topic)
    return (
        _members([unit.path])
        .select_related("org_unit")
        .annotate(
            submitted=Exists(theirs.filter(status__in=SUBMITTED)),
            published=Exists(theirs.filter(status=Reflection.Status.PUBLISHED)),
        )
        .order_by("org_unit__path", "username")
    )


def submissions_per_day(*, topic: StudyTopic, roots: list[str]) -> list[tuple[datetime.date, int]]:
    """How many topic reflections (pending or published) were written each day."""
    rows = (
        Reflection.objects.filter(
            _in_subtrees("author__org_unit__", roots),
            study_topic=topic,
            status__in=SUBMITTED,
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def published_for_export(*, topic: StudyTopic, roots: list[str]) -> QuerySet[Reflection]:
    """The 汇编's reflections: published, grouped by unit (tree order), oldest first."""
    return (
        Reflection.objects.filter(
            _in_subtrees("author__org_unit__", roots),
            study_topic=topic,
            status=Reflection.Status.PUBLISHED,
        )
        .select_related("author__org_unit")
        .order_by("author__org_unit__path", "published_at", "pk")
    )


def study_reminders_due(*, today: datetime.date) -> list[tuple[User, StudyTopic]]:
    """(member, topic) pairs to remind today: open topics due within
    ``settings.STUDY_REMIND_DAYS`` days whose member has submitted nothing yet.

    The notification queue sends them; opt-outs are applied there.
    """
    days = getattr(settings, "STUDY_REMIND_DAYS", 3)
    topics = (
        StudyTopic.objects.open_on(today)
        .filter(due_date__lte=today + datetime.timedelta(days=days))
        .prefetch_related("target_units")
        .order_by("due_date", "pk")
    )
    pairs: list[tuple[User, StudyTopic]] = []
    for topic in topics:
        roots = roots_within([unit.path for unit in topic.target_units.all()], None)
        pairs.extend((member, topic) for member in _not_submitted(topic=topic, roots=roots))
    return pairs


def _not_submitted(*, topic: StudyTopic, roots: list[str]) -> QuerySet[User]:
    written = Reflection.objects.filter(
        author=OuterRef("pk"), study_topic=topic, status__in=SUBMITTED
    )
    return (
        _members(roots)
        .annotate(written=Exists(written))
        .filter(written=False)
        .order_by("org_unit__path", "username")
    )


def reminder_recipients(*, reminder: StudyReminderRequest) -> QuerySet[User]:
    """Who a recorded reminder request is for: the members who have still not submitted,
    within the requesting organiser's part of the tree (all targets for the daily command).

    For the notification queue: it sends to these and sets ``reminder.sent_at``.
    """
    topic = reminder.topic
    targets = list(topic.target_units.values_list("path", flat=True))
    scope = None if reminder.requested_by is None else viewer_scope(reminder.requested_by)
    return _not_submitted(topic=topic, roots=roots_within(targets, scope))
