"""Enrolment: an organiser puts the colleagues of their own subtree on the site from a roster.

A roster is a sheet (.csv in UTF-8 or GBK, or .xlsx, read by the same bounded
reader as the unit import) with a header row: 姓名, 单位 or 单位编码, and
optionally 手机号, 工号, 岗位, 角色. ``roster_preview`` says for every row
whether it is a new colleague, one already on the site (matched by 工号 or
手机号, else by 姓名 within the unit) or an error; ``roster_import`` runs the
same preview again inside a transaction and, only when no row is in error,
creates the new accounts. Matching is what makes a second upload of the same
roster create nobody.

Reading the file into rows is ``units/roster.py``'s job; the first sign-in link
each new account gets is ``units/signin.py``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.accounts.checks import name_reserved_check
from experiences.core.text import name_key
from experiences.units.models import Enrolment, RosterBatch, Unit
from experiences.units.roles import ORGANISERS_GROUP
from experiences.units.roster import RosterRow, phone_normalise
from experiences.units.scope import path_within, scope_q

if TYPE_CHECKING:
    from experiences.accounts.models import User

NAME_MAX = 50
POST_MAX = 100
STAFF_NUMBER_MAX = 50
ROLE_MEMBER = "成员"
ROLE_ORGANISER = "组织员"
ROLES = {"": "", ROLE_MEMBER: "", ROLE_ORGANISER: ROLE_ORGANISER}
PHONE = re.compile(r"1\d{10}")

NEW = "new"
MATCHED = "matched"
ERROR = "error"


@dataclass
class RosterLine:
    """One row of the preview: what confirming would do with it."""

    row: RosterRow
    status: str = NEW
    unit: Unit | None = None
    user: User | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class RosterPreview:
    lines: list[RosterLine]

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def new_count(self) -> int:
        return self.count(NEW)

    @property
    def matched_count(self) -> int:
        return self.count(MATCHED)

    @property
    def error_count(self) -> int:
        return self.count(ERROR)


class _People:
    """The colleagues already in the scope, indexed the ways a roster row can name them."""

    def __init__(self, scope: list[str] | None) -> None:
        users = (
            get_user_model()
            .objects.filter(scope_q(scope, "org_unit__"), is_active=True)
            .select_related("enrolment")
        )
        self.by_staff_number: dict[str, User] = {}
        self.by_phone: dict[str, User] = {}
        self.by_name: dict[tuple[str, int | None], list[User]] = {}
        for user in users:
            enrolment = getattr(user, "enrolment", None)
            names = {user.display_name}
            if enrolment is not None:
                names.add(enrolment.full_name)
                if enrolment.staff_number:
                    self.by_staff_number.setdefault(enrolment.staff_number, user)
                if enrolment.phone:
                    self.by_phone.setdefault(enrolment.phone, user)
            for name in names - {""}:
                self.by_name.setdefault((name, user.org_unit_id), []).append(user)

    def match(self, row: RosterRow, unit: Unit) -> User | None:
        """By 工号, else 手机号, else 姓名 in the unit (not someone whose 工号/手机号 differ)."""
        if row.staff_number and row.staff_number in self.by_staff_number:
            return self.by_staff_number[row.staff_number]
        if row.phone and row.phone in self.by_phone:
            return self.by_phone[row.phone]
        for user in self.by_name.get((row.name, unit.pk), []):
            enrolment = getattr(user, "enrolment", None)
            if enrolment is not None and (
                (row.staff_number and enrolment.staff_number) or (row.phone and enrolment.phone)
            ):
                continue  # both carry an identifier and it differs: another person
            return user
        return None


class _Units:
    def __init__(self, scope: list[str] | None) -> None:
        self.scope = scope
        self.in_scope = list(Unit.objects.filter(scope_q(scope)))
        self.by_code = {unit.code: unit for unit in self.in_scope if unit.code}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.in_scope:
            self.by_name.setdefault(unit.name, []).append(unit)

    def find(self, row: RosterRow, default: Unit | None) -> tuple[Unit | None, str]:
        """The row's unit within the scope, or None and why."""
        reference = row.unit_code or row.unit
        if not reference:
            if default is not None:
                return default, ""
            return None, _("缺少单位。")
        if reference in self.by_code:
            return self.by_code[reference], ""
        if not row.unit_code:
            named = self.by_name.get(reference, [])
            if len(named) == 1:
                return named[0], ""
            if len(named) > 1:
                return None, _("单位“%(unit)s”有重名\uff0c请改用单位编码。") % {"unit": reference}
        elsewhere = Unit.objects.filter(code=reference).exclude(code="").exists() or (
            not row.unit_code and Unit.objects.filter(name=reference).exists()
        )
        if elsewhere:
            return None, _("单位“%(unit)s”不在你的管理范围内。") % {"unit": reference}
        return None, _("找不到单位“%(unit)s”。") % {"unit": reference}


def _row_errors(row: RosterRow) -> list[str]:
    errors = []
    if not row.name:
        errors.append(_("缺少姓名。"))
    elif len(row.name) > NAME_MAX:
        errors.append(_("姓名太长\uff1a最多 %(max)d 个字。") % {"max": NAME_MAX})
    else:
        try:
            name_reserved_check(name=row.name)
        except ValidationError as error:
            errors.extend(error.messages)
    if row.phone and not PHONE.fullmatch(row.phone):
        errors.append(
            _("手机号“%(phone)s”格式不对\uff08应为 11 位数字\uff09。") % {"phone": row.phone}
        )
    if len(row.staff_number) > STAFF_NUMBER_MAX:
        errors.append(_("工号太长。"))
    if len(row.post) > POST_MAX:
        errors.append(_("岗位太长。"))
    if row.role not in ROLES:
        errors.append(
            _(
                "角色“%(role)s”无法识别\uff1a只能填“组织员”或留空\uff08版主、编辑由管理员授予\uff09。"
            )
            % {"role": row.role}
        )
    return errors


def roster_preview(
    *, rows: list[RosterRow], scope: list[str] | None, default_unit: Unit | None = None
) -> RosterPreview:
    """What confirming the roster would do, row by row, for a viewer with ``scope``.

    Rows naming a unit outside the scope are errors, as are two rows for one
    person (same 工号 or 手机号, or same 姓名 and unit with neither given).
    """
    units = _Units(scope)
    people = _People(scope)
    if default_unit is not None and not path_within(default_unit.path, scope):
        default_unit = None
    lines = []
    seen: dict[tuple[object, ...], int] = {}
    for row in rows:
        row.phone = phone_normalise(row.phone)
        line = RosterLine(row=row, errors=_row_errors(row))
        line.unit, problem = units.find(row, default_unit)
        if problem:
            line.errors.append(problem)
        if line.unit is not None and not line.errors:
            keys: list[tuple[object, ...]] = []
            if row.staff_number:
                keys.append(("staff_number", row.staff_number))
            if row.phone:
                keys.append(("phone", row.phone))
            if not keys:
                keys.append(("name", row.name, line.unit.pk))
            line.user = people.match(row, line.unit)
            if line.user is not None:
                keys.append(("user", line.user.pk))
            for key in keys:
                if key in seen:
                    line.errors.append(
                        _("与第 %(line)d 行是同一个人\uff0c请删去重复的一行。")
                        % {"line": seen[key]}
                    )
                    break
            for key in keys:
                seen.setdefault(key, row.line)
            line.status = MATCHED if line.user is not None else NEW
        if line.errors:
            line.status = ERROR
            line.user = None
        lines.append(line)
    return RosterPreview(lines=lines)


class _NameMaker:
    """Usernames and display names that look like nobody else's (accounts.checks' rule)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        for username, display_name in get_user_model().objects.values_list(
            "username", "display_name"
        ):
            self.taken.add(name_key(username))
            if display_name:
                self.taken.add(name_key(display_name))
        self.next_number: dict[str, int] = {}

    def _take(self, candidate: str) -> bool:
        key = name_key(candidate)
        if key in self.taken:
            return False
        self.taken.add(key)
        return True

    def username(self, unit: Unit) -> str:
        # ASCII only (no pinyin library): the unit's code, else its id, and a number.
        prefix = re.sub(r"[^a-z0-9]", "", unit.code.lower())[:20] or f"u{unit.pk}"
        number = self.next_number.get(prefix, 1)
        while not self._take(f"{prefix}-{number:03d}"):
            number += 1
        self.next_number[prefix] = number + 1
        return f"{prefix}-{number:03d}"

    def display_name(self, name: str, unit: Unit) -> str:
        """The 姓名; a namesake already on the site gets the unit added: 张伟\uff08东一村\uff09."""
        if self._take(name):
            return name
        qualified = f"{name}\uff08{unit.name[: NAME_MAX - len(name) - 4]}\uff09"
        number = 1
        candidate = qualified
        while not self._take(candidate):
            number += 1
            candidate = f"{qualified}{number}"
        return candidate


def _lock(scope: list[str] | None) -> None:
    """Two confirmations of one roster at once must not both create: the second waits."""
    roots = Unit.objects.filter(depth=1) if scope is None else Unit.objects.filter(path__in=scope)
    list(roots.select_for_update().values_list("pk", flat=True))


def roster_import(
    *,
    rows: list[RosterRow],
    scope: list[str] | None,
    enrolled_by: User | None,
    filename: str = "",
    default_unit: Unit | None = None,
) -> tuple[RosterPreview, RosterBatch | None]:
    """Create the new colleagues of a roster, all or nothing; returns the preview and the batch.

    The preview is made again here, so what is written is what the database
    holds now (a colleague enrolled meanwhile is matched, not created twice).
    With any row in error nothing is written and the batch is None.
    """
    with transaction.atomic():
        _lock(scope)
        preview = roster_preview(rows=rows, scope=scope, default_unit=default_unit)
        if preview.error_count:
            return preview, None
        batch = RosterBatch.objects.create(created_by=enrolled_by, filename=filename[:200])
        names = _NameMaker()
        now = timezone.now()
        organisers = None
        for line in preview.lines:
            if line.status != NEW or line.unit is None:
                continue
            row = line.row
            user = get_user_model()(
                username=names.username(line.unit),
                display_name=names.display_name(row.name, line.unit),
                unit=line.unit.name,
                org_unit=line.unit,
                post=row.post,
                is_staff=ROLES[row.role] == ROLE_ORGANISER,  # organisers use the admin
            )
            user.set_unusable_password()
            user.save()
            Enrolment.objects.create(
                user=user,
                batch=batch,
                full_name=row.name,
                staff_number=row.staff_number,
                phone=row.phone,
                link_issued_at=now,
            )
            if ROLES[row.role] == ROLE_ORGANISER:
                organisers = organisers or Group.objects.get(name=ORGANISERS_GROUP)
                user.groups.add(organisers)
            line.user = user
    return preview, batch
