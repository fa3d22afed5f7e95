"""participation.xlsx: the report's unit table and member table, for filing upward.

Chinese headers, a frozen header row, and every text cell that a spreadsheet
would run as a formula (= + - @ …) written with a leading ' as the CSV export
does; openpyxl would otherwise store such a string as a live formula.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from experiences.core.text import xml_clean
from experiences.reflections.exports import csv_cell

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.study.selectors import UnitRow


def _cell(value):
    if isinstance(value, str):
        return csv_cell(xml_clean(value))
    return value


def _sheet(workbook, title: str, headers: list[str], rows: Iterable[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(header) * 3)


def participation_xlsx(*, unit_rows: list[UnitRow], members: Iterable, status_of) -> bytes:
    """The unit and member sheets.

    ``members`` are annotated with submitted/published; ``status_of(member)`` names the state.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("单位"),
        [_("单位"), _("层级"), _("应参学人数"), _("已提交"), _("已通过"), _("完成率")],
        (
            [
                "\u3000" * row.level + row.unit.name,
                row.level + 1,
                row.members,
                row.submitted,
                row.published,
                round(row.rate, 4),
            ]
            for row in unit_rows
        ),
    )
    _sheet(
        workbook,
        _("成员"),
        [_("单位"), _("用户名"), _("姓名"), _("状态")],
        (
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
