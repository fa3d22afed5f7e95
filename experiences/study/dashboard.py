"""The dashboard's figures, limited to the viewer's scope (study.access: the whole site
only for superusers and holders of view_all_units).

Pending reflections and replies, open 举报, open 专题 with their rates, reflections per week and the
most used tags. The open topics are capped, so the page's query count stays
bounded however many units, members or reflections there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from taggit.models import TaggedItem

from experiences.flags.models import Flag
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply
from experiences.study.charts import weekly_chart
from experiences.study.models import StudyTopic
from experiences.study.selectors import UnitRow, report_rows
from experiences.units.scope import ancestor_paths, roots_within, viewer_scope

if TYPE_CHECKING:
    from experiences.accounts.models import User

OPEN_TOPICS_SHOWN = 10
WEEKS_SHOWN = 12
TAGS_SHOWN = 15


@dataclass
class TopicRate:
    topic: StudyTopic
    total: UnitRow | None


def _authors_in(scope: list[str] | None) -> Q:
    if scope is None:
        return Q()
    condition = Q(pk__in=[])
    for root in scope:
        condition |= Q(author__org_unit__path__startswith=root)
    return condition


def _flagged_in(scope: list[str] | None) -> Q:
    if scope is None:
        return Q()
    condition = Q(pk__in=[])
    for root in scope:
        condition |= Q(reflection__author__org_unit__path__startswith=root)
        condition |= Q(reply__author__org_unit__path__startswith=root)
    return condition


def _topics_touching(scope: list[str] | None, today: datetime.date):
    """Open topics whose targets overlap the viewer's subtree (above it or inside it)."""
    topics = StudyTopic.objects.open_on(today)
    if scope is None:
        return topics
    condition = Q(pk__in=[])
    for root in scope:
        condition |= Q(target_units__path__startswith=root)
        condition |= Q(target_units__path__in=ancestor_paths(root))
    return topics.filter(pk__in=topics.filter(condition).values("pk"))


def dashboard_context(*, viewer: User) -> dict:
    today = timezone.localdate()
    scope = viewer_scope(viewer)
    in_scope = Reflection.objects.filter(_authors_in(scope))

    topics = list(
        _topics_touching(scope, today)
        .prefetch_related("target_units")
        .order_by("due_date", "pk")[:OPEN_TOPICS_SHOWN]
    )
    rates = []
    for topic in topics:
        roots = roots_within([unit.path for unit in topic.target_units.all()], scope)
        _rows, total = report_rows(topic=topic, roots=roots)
        rates.append(TopicRate(topic=topic, total=total))

    since = today - datetime.timedelta(weeks=WEEKS_SHOWN)
    counted = dict(
        in_scope.filter(created_at__date__gte=since)
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
        .values_list("week", "n")
    )
    by_week = {
        (week.date() if isinstance(week, datetime.datetime) else week): n
        for week, n in counted.items()
    }
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [
        (monday - datetime.timedelta(weeks=i), by_week.get(monday - datetime.timedelta(weeks=i), 0))
        for i in reversed(range(WEEKS_SHOWN))
    ]

    tags = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Reflection),
            object_id__in=in_scope.filter(status=Reflection.Status.PUBLISHED).values("pk"),
        )
        .values("tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")[:TAGS_SHOWN]
    )
    return {
        "pending_count": in_scope.filter(status=Reflection.Status.PENDING).count(),
        "pending_replies": Reply.objects.filter(
            _authors_in(scope), status=Reply.Status.PENDING
        ).count(),
        # Items with open flags whose author is in scope (a reflection or a reply).
        "flagged_items": Flag.objects.filter(outcome=Flag.Outcome.OPEN)
        .filter(_flagged_in(scope))
        .values("reflection_id", "reply_id")
        .distinct()
        .count(),
        "rates": rates,
        "weeks": weeks,
        "weekly_svg": weekly_chart(weeks=weeks),
        "tags": [(row["tag__name"], row["n"]) for row in tags],
        "whole_site": scope is None,
    }
