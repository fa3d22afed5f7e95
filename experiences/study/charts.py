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
from lxml import etree  # type: ignore[import-untyped]
from pygal.style import Style

_SCRIPT = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)
_EVENT_ATTR = re.compile(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
MAX_DAYS = 120
DUE_COLOUR = "#595959"

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


def _render(chart, *, label: str, edit=None) -> str:
    if edit is None:
        svg = chart.render(is_unicode=True)
    else:
        tree = chart.render_tree()
        edit(tree)
        svg = etree.tostring(tree, encoding="unicode")
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


def _plot(tree):
    """pygal's plot area: the group with the background and the series, in plot coordinates."""
    return next(g for g in tree.iter("{*}g", "g") if g.get("class") == "plot")


def _due_marker(index: int):
    """Draw the due day as a dashed vertical rule over its day, labelled 截止.

    A bar would read as a day's submissions; pygal draws no vertical rules, so
    the rule goes into its plot area, centred on that day's bar.
    """

    def edit(tree) -> None:
        plot = _plot(tree)
        background = next(child for child in plot if child.get("class") == "background")
        height = float(background.get("height"))
        series = next(g for g in plot.iter("{*}g", "g") if "serie-0" in (g.get("class") or ""))
        bars = [rect for rect in series.iter("{*}rect", "rect")]
        if index >= len(bars):
            return
        bar = bars[index]
        x = float(bar.get("x")) + float(bar.get("width")) / 2
        namespace = plot.tag.partition("}")[0] + "}" if plot.tag.startswith("{") else ""
        marker = etree.SubElement(plot, f"{namespace}g", {"class": "due-marker"})
        etree.SubElement(
            marker,
            f"{namespace}line",
            {
                "x1": f"{x:.1f}",
                "x2": f"{x:.1f}",
                "y1": "0",
                "y2": f"{height:.1f}",
                "stroke": DUE_COLOUR,
                "stroke-width": "2",
                "stroke-dasharray": "6 4",
            },
        )
        # The label on the side of the rule with room for it.
        width = float(background.get("width"))
        left = x > width * 0.8
        text = etree.SubElement(
            marker,
            f"{namespace}text",
            {
                "x": f"{x - 4 if left else x + 4:.1f}",
                "y": "14",
                "fill": DUE_COLOUR,
                "font-size": "14",
                "text-anchor": "end" if left else "start",
            },
        )
        text.text = _("截止")

    return edit


def submissions_chart(
    *, start: datetime.date, due: datetime.date, counts: list[tuple[datetime.date, int]]
) -> tuple[str, list[tuple[datetime.date, int, int, bool]]]:
    """SVG of submissions per day as bars, the due day marked by a dashed rule.

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
        f"{day.month}月{day.day}日" + (_("\uff08截止\uff09") if is_due else "")
        for day, _n, _r, is_due in rows
    ]
    chart.add(_("当日提交"), [count for _d, count, _r, _due in rows])
    _integer_axis(chart, [count for _d, count, _r, _due in rows])
    due_index = next((i for i, row in enumerate(rows) if row[3]), None)
    edit = None if due_index is None else _due_marker(due_index)
    return _render(chart, label=_("每日提交数与截止日期"), edit=edit), rows


def weekly_chart(*, weeks: list[tuple[datetime.date, int]]) -> str:
    """SVG of reflections written per week."""
    chart = pygal.Bar(**_config(title=_("每周心得数"), show_legend=False, show_minor_x_labels=True))
    chart.x_labels = [f"{week.month}月{week.day}日" for week, _n in weeks]
    chart.add(_("心得数"), [count for _w, count in weeks])
    _integer_axis(chart, [count for _w, count in weeks])
    return _render(chart, label=_("每周心得数"))
