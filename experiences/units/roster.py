"""Reading a roster: the sheet an organiser uploads, into rows by its header row.

The file (.csv in UTF-8 or GBK, or .xlsx) is read by the same bounded reader as
the unit import; the header row says which column is which, under the names
colleagues give them (姓名, 单位 or 单位编码, 手机号, 工号, 岗位, 角色). The
rows travel between preview and confirmation as plain data in a signed form
field. What the rows mean is decided in ``units/enrolment.py``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from experiences.units.services import MAX_IMPORT_ROWS, UnitImportError, sheet_rows_read

MAX_ROSTER_COLUMNS = 12
MAX_ROSTER_ROWS = 5000
# Header cell (spaces removed) → field. The first column with a known header wins.
HEADERS = {
    "姓名": "name",
    "单位": "unit",
    "单位名称": "unit",
    "所属单位": "unit",
    "单位编码": "unit_code",
    "手机号": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "工号": "staff_number",
    "人员编号": "staff_number",
    "岗位": "post",
    "职务": "post",
    "角色": "role",
}


@dataclass
class RosterRow:
    line: int
    name: str = ""
    unit: str = ""
    unit_code: str = ""
    phone: str = ""
    staff_number: str = ""
    post: str = ""
    role: str = ""


def roster_parse(*, filename: str, data: bytes) -> list[RosterRow]:
    """The rows of a roster file, by its header row; UnitImportError when unreadable."""
    found = sheet_rows_read(filename=filename, data=data, columns=MAX_ROSTER_COLUMNS)
    if not found:
        raise UnitImportError(_("文件里没有内容。"))
    _line, header = found[0]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADERS.get("".join(cell.split()))
        if key is not None and key not in positions:
            positions[key] = index
    if "name" not in positions or not ({"unit", "unit_code"} & positions.keys()):
        raise UnitImportError(
            _(
                "第一行应是表头\uff0c至少包括“姓名”和“单位”\uff08或“单位编码”\uff09两列\uff1b"
                "可选列\uff1a手机号、工号、岗位、角色。"
            )
        )
    if len(found) - 1 > min(MAX_ROSTER_ROWS, MAX_IMPORT_ROWS):
        raise UnitImportError(
            _("行数太多\uff1a一次最多导入 %(max)d 人\uff0c请拆分成几个文件。")
            % {"max": MAX_ROSTER_ROWS}
        )
    rows = []
    for line, cells in found[1:]:
        values = {key: _cell_text(cells[index]) for key, index in positions.items()}
        rows.append(RosterRow(line=line, **values))
    return rows


def _cell_text(value: str) -> str:
    # A number typed into Excel may come back as "13800138000.0".
    return value[:-2] if re.fullmatch(r"\d+\.0", value) else value


def phone_normalise(value: str) -> str:
    digits = re.sub(r"[\s\-()\u3000]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def rows_dump(rows: list[RosterRow]) -> list[dict]:
    """The rows as plain data (the signed form field between preview and confirm)."""
    return [asdict(row) for row in rows]


def rows_load(data: list[dict]) -> list[RosterRow]:
    return [RosterRow(**item) for item in data]
