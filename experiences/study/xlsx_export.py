"""participation.xlsx: the report's unit table and member table, for filing upward.

Each sheet opens ready to send: a title row (the topic), a line naming the scope
and the time of the figures (截至时间), bold Chinese headers frozen under them,
完成率 as a percentage, a 合计 row, columns wide enough for Chinese text, and a
print setup of A4 landscape, one page wide, the title and header rows repeated
on every page. Every text cell that a spreadsheet would run as a formula
(= + - @ …) is written with a leading ' as the CSV export does; openpyxl would
otherwise store such a string as a live formula.
"""

from __future__ import annotations

import io
import unicodedata
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from experiences.core.dates import cn_datetime
from experiences.core.text import xml_clean
from experiences.reflections.exports import csv_cell

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.study.models import StudyTopic
    from experiences.study.selectors import UnitRow

PERCENT = "0.0%"
NO_MEMBERS = "\u2014"  # a unit without members has no rate, not 0.0%
HEADER_ROW = 3  # title, scope and time, then the headers
MAX_WIDTH = 60


def _cell(value):
    if isinstance(value, str):
        return csv_cell(xml_clean(value))
    return value


def _display_width(value) -> int:
    """Columns as wide as the text: a Chinese character takes two columns."""
    if value is None:
        return 0
    text = f"{value:.1%}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _sheet(
    workbook,
    *,
    title: str,
    heading: str,
    subheading: str,
    headers: list[str],
    rows: Iterable[list],
    percent_column: int | None = None,
    total: list | None = None,
) -> None:
    sheet = workbook.create_sheet(title)
    width = len(headers)
    sheet.append([_cell(heading)])
    sheet.append([_cell(subheading)])
    sheet.append(headers)
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    widths = [_display_width(header) for header in headers]
    for row in rows:
        values = [_cell(value) for value in row]
        sheet.append(values)
        widths = [max(w, _display_width(value)) for w, value in zip(widths, values, strict=True)]
    if total is not None:
        sheet.append([_cell(value) for value in total])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    if percent_column is not None:
        for (cell,) in sheet.iter_rows(
            min_row=HEADER_ROW + 1, min_col=percent_column, max_col=percent_column
        ):
            if isinstance(cell.value, float | int):
                cell.number_format = PERCENT
            else:
                cell.alignment = Alignment(horizontal="right")
    for index, needed in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, needed + 4)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    # Printed: A4 landscape, all columns on one page, the top rows on every page.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"1:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True


def _rate(row: UnitRow) -> float | str:
    return round(row.rate, 4) if row.members else NO_MEMBERS


def participation_xlsx(
    *,
    topic: StudyTopic,
    scope_label: str,
    unit_rows: list[UnitRow],
    total: UnitRow | None,
    members: Iterable,
    status_of,
) -> bytes:
    """The unit and member sheets.

    ``members`` are annotated with submitted/published; ``status_of(member)`` names the state.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = _("《%(title)s》参学情况") % {"title": topic.title}
    subheading = _("范围\uff1a%(scope)s\u3000截至时间\uff1a%(time)s") % {
        "scope": scope_label,
        "time": cn_datetime(timezone.now()),
    }
    _sheet(
        workbook,
        title=_("单位"),
        heading=heading,
        subheading=subheading,
        headers=[_("单位"), _("层级"), _("应参学人数"), _("已提交"), _("已通过"), _("完成率")],
        rows=(
            [
                "\u3000" * row.level + row.unit.name,
                row.level + 1,
                row.members,
                row.submitted,
                row.published,
                _rate(row),
            ]
            for row in unit_rows
        ),
        percent_column=6,
        total=(
            None
            if total is None
            else [_("合计"), None, total.members, total.submitted, total.published, _rate(total)]
        ),
    )
    _sheet(
        workbook,
        title=_("成员"),
        heading=heading,
        subheading=subheading,
        headers=[_("单位"), _("用户名"), _("姓名"), _("状态")],
        rows=(
            [
                member.org_unit.name if member.org_unit else "",
                member.username,
                member.display_name,
                str(status_of(member)),
            ]
            for member in members
        ),
    )
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    workbook.properties.language = "zh-CN"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
