"""Charts drawn on the server as SVG with pygal: no CDN, no script, inline in the page.

pygal's SVG carries a config <script> and tooltip hooks; both are removed, so
the SVG is static markup. Labels are our own dates and words, escaped by lxml.
Every chart sits beside a table with the same figures for screen readers.
"""

from __future__ import annotations

import datetime
import re

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

_SCRIPT = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)
_EVENT_ATTR = re.compile(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
MAX_DAYS = 120

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
    colors=("#b22222", "#7a7a7a"),
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=12,
    title_font_size=16,
)


def svg_clean(svg: str) -> str:
    """Static SVG: no <script> element, no on* handler, no XML declaration."""
    svg = _SCRIPT.sub("", svg)
    return _EVENT_ATTR.sub("", svg)


def _render(chart, *, label: str) -> str:
    svg = chart.render(is_unicode=True)
    # The SVG is an image to assistive technology; the table beside it has the figures.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return svg_clean(svg)


def _config(**extra):
    settings = dict(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        height=320,
        width=560,
        show_legend=True,
        legend_at_bottom=True,
        print_values=False,
        x_label_rotation=45,
        show_minor_x_labels=False,
        truncate_label=-1,
    )
    settings.update(extra)
    return settings


def _integer_axis(chart, values: list[int]) -> None:
    """Counts are whole numbers: ticks at 0, step, 2·step… rather than 0.1, 0.2."""
    top = max(values or [0]) or 1
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))


def daily_days(*, start: datetime.date, due: datetime.date, counts: list[tuple]) -> list:
    """Every day from the start to the due date (or the last submission), at most MAX_DAYS."""
    last = max([due, *(day for day, _n in counts)])
    end = min(last, start + datetime.timedelta(days=MAX_DAYS - 1))
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def submissions_chart(
    *, start: datetime.date, due: datetime.date, counts: list[tuple[datetime.date, int]]
) -> tuple[str, list[tuple[datetime.date, int, int, bool]]]:
    """SVG of submissions per day as bars, the due day marked by a grey bar.

    Returns the SVG and the table rows (day, count, running total, is due day).
    """
    by_day = dict(counts)
    days = daily_days(start=start, due=due, counts=counts)
    running, rows = 0, []
    for day in days:
        running += by_day.get(day, 0)
        rows.append((day, by_day.get(day, 0), running, day == due))
    chart = pygal.Bar(
        **_config(title=_("每日提交数"), x_labels_major_every=max(1, len(days) // 12))
    )
    chart.x_labels = [
        f"{day:%m-%d}" + (_("\uff08截止\uff09") if is_due else "") for day, _n, _r, is_due in rows
    ]
    chart.add(_("当日提交"), [count for _d, count, _r, _due in rows])
    # The due day as a grey bar as tall as the busiest day: pygal draws no vertical rules.
    tallest = max([count for _d, count, _r, _due in rows] or [0]) or 1
    chart.add(_("截止日"), [tallest if is_due else None for *_x, is_due in rows])
    _integer_axis(chart, [tallest])
    return _render(chart, label=_("每日提交数与截止日期")), rows


def weekly_chart(*, weeks: list[tuple[datetime.date, int]]) -> str:
    """SVG of reflections written per week."""
    chart = pygal.Bar(**_config(title=_("每周心得数"), show_legend=False, show_minor_x_labels=True))
    chart.x_labels = [f"{week:%m-%d}" for week, _n in weeks]
    chart.add(_("心得数"), [count for _w, count in weeks])
    _integer_axis(chart, [count for _w, count in weeks])
    return _render(chart, label=_("每周心得数"))
