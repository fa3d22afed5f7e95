"""Keeping the unit tree: create, edit and move units, import a sheet, link users to units.

An organiser imports within their own subtree only (``scope``, units/scope.py):
a row whose unit would lie outside it (a top-level unit, a parent elsewhere, a
code naming a unit elsewhere) is an error, like any other bad row.

An import is all or nothing: every row is checked first, and a sheet with any
bad row changes nothing (the errors say which rows and why). ``dry_run``
runs the same import and rolls it back, so the preview is exactly what a
real import would do.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from experiences.core.text import line_clean
from experiences.core.viewer_state import viewer_state_changed
from experiences.units.models import CODE_MAX_LENGTH, NAME_MAX_LENGTH, Unit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import QuerySet

    from experiences.accounts.models import User

# Bounds on what an import reads, whatever the file declares (see sheet_rows_read).
MAX_IMPORT_ROWS = 20000
MAX_IMPORT_LINES = 2 * MAX_IMPORT_ROWS  # blank lines included
MAX_IMPORT_COLUMNS = 3
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 1000
MAX_IMPORT_SECONDS = 10.0
HEADER_WORDS = {"name", "名称", "单位", "单位名称"}


class UnitImportError(Exception):
    """The file cannot be read at all (not a row-level problem)."""


@dataclass
class UnitRow:
    line: int
    name: str
    parent: str
    code: str


@dataclass
class UnitImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    users_linked: int = 0
    dry_run: bool = False


class _DryRunRollback(Exception):
    pass


def unit_create(*, name: str, code: str = "", parent: Unit | None = None) -> Unit:
    """A new unit; the unit tree decides who studies which topic: every viewer's state."""
    name, code = line_clean(name).strip(), line_clean(code).strip()
    viewer_state_changed()
    if parent is None:
        root: Unit = Unit.objects.add_root({"name": name, "code": code})
        return root
    parent.refresh_from_db()  # treebeard reads numchild/path from the instance
    child: Unit = Unit.objects.add_child(parent, {"name": name, "code": code})
    return child


@transaction.atomic
def units_delete(*, pks: list[int]) -> None:
    """Delete units with their subtrees (treebeard's queryset); members' topics change."""
    Unit.objects.filter(pk__in=pks).delete()
    viewer_state_changed()


@transaction.atomic
def unit_update(*, unit: Unit, name: str, code: str, parent: Unit | None) -> Unit:
    """Rename, recode and (when the parent changed) move the unit with its subtree."""
    Unit.objects.filter(pk=unit.pk).update(
        name=line_clean(name).strip(), code=line_clean(code).strip()
    )
    unit.refresh_from_db()
    current = Unit.objects.get_parent(unit)
    if (current.pk if current else None) != (parent.pk if parent else None):
        if parent is not None and parent.is_within(unit):
            raise ValueError("a unit cannot move under itself")
        if parent is None:
            Unit.objects.move(unit, Unit.objects.get_first_root_node(), "sorted-sibling")
        else:
            parent.refresh_from_db()
            Unit.objects.move(unit, parent, "sorted-child")
        unit.refresh_from_db()
    # The members' open topics may change (a move), and the shared pages name the unit.
    viewer_state_changed()
    return unit


def sheet_rows_read(
    *, filename: str, data: bytes, columns: int = MAX_IMPORT_COLUMNS
) -> list[tuple[int, list[str]]]:
    """The non-blank rows (line number, ``columns`` cleaned cells) of a .csv or .xlsx file.

    The one bounded reader of uploaded sheets (units, rosters): what is read is
    bounded whatever the file claims: its size, the unpacked size of an .xlsx,
    the first ``columns`` columns only (an .xlsx's declared dimension is
    ignored), a number of lines, the length of a cell and the time spent. A
    .csv may be UTF-8 or GBK. Any file past a bound, or unreadable, raises
    UnitImportError with a message for the person who uploaded it.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise UnitImportError(_("文件太大\uff1a最多 5 MB。"))
    deadline = time.monotonic() + MAX_IMPORT_SECONDS
    if filename.lower().endswith(".xlsx"):
        raw = _xlsx_rows(data, columns=columns)
    else:
        raw = _csv_rows(data)
    rows: list[tuple[int, list[str]]] = []
    too_many = UnitImportError(_("行数太多\uff1a最多 %(max)d 行。") % {"max": MAX_IMPORT_ROWS})
    for line, cells in raw:
        if time.monotonic() > deadline:
            raise UnitImportError(_("读取文件用时太长\uff0c请删去空行或拆分成几个较小的文件。"))
        if line > MAX_IMPORT_LINES:
            raise too_many  # blank lines included: a sheet is not read to its claimed end
        cells = ["" if cell is None else str(cell) for cell in cells[:columns]]
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise UnitImportError(
                _("第 %(line)d 行有单元格太长\uff1a每格最多 %(max)d 个字符。")
                % {"line": line, "max": MAX_CELL_CHARS}
            )
        cells = [line_clean(cell).strip() for cell in cells]
        cells += [""] * (columns - len(cells))
        if not any(cells):
            continue
        rows.append((line, cells))
        if len(rows) > MAX_IMPORT_ROWS + 1:  # a header row may come first
            raise too_many
    return rows


def units_rows_read(*, filename: str, data: bytes) -> list[UnitRow]:
    """Rows of (name, parent, code) from a .csv (UTF-8 or GBK) or .xlsx file (sheet_rows_read)."""
    rows: list[UnitRow] = []
    for line, cells in sheet_rows_read(filename=filename, data=data):
        if not rows and cells[0].lower() in HEADER_WORDS:
            continue  # the header row
        rows.append(UnitRow(line=line, name=cells[0], parent=cells[1], code=cells[2]))
    if len(rows) > MAX_IMPORT_ROWS:
        raise UnitImportError(_("行数太多\uff1a最多 %(max)d 行。") % {"max": MAX_IMPORT_ROWS})
    return rows


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnitImportError(_("无法识别文件编码\uff0c请另存为 UTF-8 的 CSV。"))
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:  # a field past csv's own limit, a NUL byte, a stray quote
        raise UnitImportError(
            _("第 %(line)d 行无法读取\uff08单元格太长或格式有误\uff09\uff0c请检查后重新上传。")
            % {"line": reader.line_num}
        ) from error


def _xlsx_rows(data: bytes, *, columns: int) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    unreadable = _("无法读取这个 Excel 文件\uff0c请确认是 .xlsx 格式。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnitImportError(unreadable) from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        # A small zip can unpack to gigabytes: refused before openpyxl parses anything.
        raise UnitImportError(_("Excel 文件内容太大\uff0c请只保留单位表格后另存再上传。"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UnitImportError(unreadable) from error
    try:
        if not workbook.worksheets:
            raise UnitImportError(_("这个 Excel 文件里没有工作表。"))
        sheet = workbook.worksheets[0]
        # Explicit bounds: without them read-only openpyxl pads every row to the sheet's
        # declared dimension (A1:XFD20000 is 16,384 cells a row).
        cells = sheet.iter_rows(
            min_row=1,
            max_row=MAX_IMPORT_LINES + 1,
            min_col=1,
            max_col=columns,
            values_only=True,
        )
        for line, row in enumerate(cells, start=1):
            yield line, list(row)
    except UnitImportError:
        raise
    except Exception as error:  # a broken sheet inside a valid zip
        raise UnitImportError(unreadable) from error
    finally:
        workbook.close()


def _row_errors(row: UnitRow) -> list[str]:
    errors = []
    if not row.name:
        errors.append(_("第 %(line)d 行\uff1a缺少单位名称。") % {"line": row.line})
    if len(row.name) > NAME_MAX_LENGTH:
        errors.append(_("第 %(line)d 行\uff1a名称太长。") % {"line": row.line})
    if len(row.code) > CODE_MAX_LENGTH:
        errors.append(_("第 %(line)d 行\uff1a编码太长。") % {"line": row.line})
    return errors


def units_import(
    *, rows: list[UnitRow], dry_run: bool = False, scope: list[str] | None = None
) -> UnitImportReport:
    """Create or update units from rows; a parent is named by its code or (unique) name.

    Rows may come in any order: a row waits until its parent exists. ``scope``
    (subtree roots; None for the whole tree) bounds what the import may create or
    change: the importer's own subtree.
    """
    report = UnitImportReport(dry_run=dry_run)
    for row in rows:
        report.errors.extend(_row_errors(row))
    codes = [row.code for row in rows if row.code]
    duplicates = {code for code in codes if codes.count(code) > 1}
    for code in sorted(duplicates):
        report.errors.append(_("编码 %(code)s 在文件中出现了不止一次。") % {"code": code})
    if report.errors:
        return report
    try:
        with transaction.atomic():
            _import_rows(rows, report, scope)
            if report.errors:
                raise _DryRunRollback
            report.users_linked = units_match_users()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _find(reference: str) -> Unit | list[Unit] | None:
    """The unit a parent reference names: by code first, then by name when unique."""
    unit: Unit | None = Unit.objects.filter(code=reference).exclude(code="").first()
    if unit is not None:
        return unit
    named: list[Unit] = list(Unit.objects.filter(name=reference)[:2])
    if len(named) == 1:
        return named[0]
    return named or None


def _within(unit: Unit, scope: list[str] | None) -> bool:
    return scope is None or any(unit.path.startswith(root) for root in scope)


def _outside(row: UnitRow, scope: list[str] | None, parent: Unit | None) -> str | None:
    """Why ``row`` would reach outside ``scope``, or None when it stays inside."""
    if scope is None:
        return None
    if parent is None:
        return _("第 %(line)d 行\uff1a请填写上级单位\uff08须在你管理的单位之内\uff09。") % {
            "line": row.line
        }
    if not _within(parent, scope):
        return _("第 %(line)d 行\uff1a上级单位“%(parent)s”不在你管理的单位之内。") % {
            "line": row.line,
            "parent": row.parent,
        }
    existing = Unit.objects.filter(code=row.code).first() if row.code else None
    if existing is not None and not _within(existing, scope):
        return _("第 %(line)d 行\uff1a编码 %(code)s 是你管理范围之外的单位。") % {
            "line": row.line,
            "code": row.code,
        }
    return None


def _import_rows(rows: list[UnitRow], report: UnitImportReport, scope: list[str] | None) -> None:
    waiting = list(rows)
    while waiting:
        still_waiting = []
        for row in waiting:
            parent = None
            if row.parent:
                found = _find(row.parent)
                if isinstance(found, list):
                    report.errors.append(
                        _("第 %(line)d 行\uff1a上级单位“%(parent)s”有重名\uff0c请改用编码。")
                        % {"line": row.line, "parent": row.parent}
                    )
                    continue
                if found is None:
                    still_waiting.append(row)
                    continue
                parent = found
            refused = _outside(row, scope, parent)
            if refused:
                report.errors.append(refused)
                continue
            _import_row(row, parent, report)
        if len(still_waiting) == len(waiting):
            for row in still_waiting:
                report.errors.append(
                    _("第 %(line)d 行\uff1a找不到上级单位“%(parent)s”。")
                    % {"line": row.line, "parent": row.parent}
                )
            return
        waiting = still_waiting


def _import_row(row: UnitRow, parent: Unit | None, report: UnitImportReport) -> None:
    existing = Unit.objects.filter(code=row.code).first() if row.code else None
    if existing is None:
        siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
        existing = siblings.filter(name=row.name).first()
    if existing is None:
        unit_create(name=row.name, code=row.code, parent=parent)
        report.created.append(row.name)
        return
    current = Unit.objects.get_parent(existing)
    same_parent = (current.pk if current else None) == (parent.pk if parent else None)
    if existing.name == row.name and (existing.code == row.code or not row.code) and same_parent:
        return
    if parent is not None and parent.is_within(existing):
        report.errors.append(
            _("第 %(line)d 行\uff1a不能把单位移到它自己的下级。") % {"line": row.line}
        )
        return
    unit_update(unit=existing, name=row.name, code=row.code or existing.code, parent=parent)
    report.updated.append(row.name)


def units_match_users() -> int:
    """Link users without a unit whose 单位 label exactly names one unit; returns how many."""
    unique_names = (
        Unit.objects.order_by()
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values_list("name", flat=True)
    )
    by_name = dict(Unit.objects.filter(name__in=list(unique_names)).values_list("name", "pk"))
    linked: list[int] = []
    users = get_user_model().objects.filter(org_unit__isnull=True).exclude(unit="")
    for user_id, label in users.values_list("pk", "unit"):
        unit_id = by_name.get(label.strip())
        if unit_id is not None:
            get_user_model().objects.filter(pk=user_id).update(org_unit_id=unit_id)
            linked.append(user_id)
    viewer_state_changed(user_ids=linked)  # their open topics follow their unit
    return len(linked)


def users_without_unit() -> QuerySet[User]:
    """Users with a 单位 label that matched no unit: the admin maps them by hand."""
    return (
        get_user_model()
        .objects.filter(org_unit__isnull=True, is_active=True)
        .order_by("unit", "username")
    )


@transaction.atomic
def user_unit_assign(*, user: User, unit: Unit | None) -> None:
    get_user_model().objects.filter(pk=user.pk).update(org_unit=unit)
    user.org_unit = unit
    viewer_state_changed(user_ids=[user.pk])
