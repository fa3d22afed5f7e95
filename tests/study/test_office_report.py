"""The report page: a unit without members shows —/无成员, not 0.0%; the deadline in the
chart is a dashed rule, not a bar that reads as a day's submissions (issue 28)."""

import datetime
import re

import pytest
from django.urls import reverse

from experiences.study.charts import submissions_chart
from tests.factories import ReflectionFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


def row_html(html, name):
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


def test_unit_without_members_shows_a_dash_not_zero(client, tree, topic, county_organiser):
    ReflectionFactory(author=member_in(tree["东一村"]), study_topic=topic)
    client.force_login(county_organiser)
    html = client.get(reverse("experiences:study_report", args=[topic.pk])).content.decode()
    empty = row_html(html, "东二村")  # nobody lives there
    assert "无成员" in empty and "\u2014" in empty and "0.0%" not in empty
    assert "100.0%" in row_html(html, "东一村")
    # Every figure carries its label, for the phone's card layout.
    assert 'data-label="完成率"' in empty


def test_the_deadline_is_a_dashed_rule_not_a_bar():
    start, due = datetime.date(2026, 12, 1), datetime.date(2026, 12, 5)
    svg, rows = submissions_chart(start=start, due=due, counts=[(datetime.date(2026, 12, 2), 3)])
    bars = re.findall(r'<rect [^>]*class="rect reactive tooltip-trigger"', svg)
    assert len(bars) == len(rows) == 5  # one bar a day, no extra 截止日 series
    assert ">截止日<" not in svg  # no legend entry for a 截止日 series
    marker = svg[svg.index('class="due-marker"') :]
    assert "<line" in marker and "stroke-dasharray" in marker and ">截止<" in marker
    assert "<script" not in svg
