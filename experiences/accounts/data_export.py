"""Your data (个人信息保护法, issue 19): everything the site holds about a colleague, as one ZIP.

The export is pluggable because the data lives in many domains and more are
coming. A domain contributes a *section*: a function that takes the user and
yields ``(file name, content)`` pairs, registered under a short ASCII name::

    # experiences/<domain>/data_export.py
    from experiences.accounts.data_export import json_file, register_section

    def bookmarks_section(user):
        rows = [{"reflection": b.reflection_id, "created_at": b.created_at.isoformat()}
                for b in user.bookmarks.order_by("pk")]
        yield "bookmarks.json", json_file(rows)

    def sections_register() -> None:
        register_section("bookmarks", bookmarks_section)

and ``experiences/apps.py`` calls ``sections_register()`` from ``ready``, as it
connects receivers. Each section's files go into a folder named after it
(``bookmarks/bookmarks.json``); a section that yields nothing adds nothing.
Content is ``str`` (written as UTF-8) or ``bytes``; JSON through ``json_file``
(readable Chinese, ISO dates); Markdown for text a person wrote.

The ZIP is written to an anonymous temporary file, not memory, and the view
streams that file back (FileResponse): a colleague with a thousand reflections
costs the worker a file on disk and about a second, not their text in RAM.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.accounts.logins import login_records_of
from experiences.core.dates import cn_datetime

if TYPE_CHECKING:
    from experiences.accounts.models import User

SectionFile = tuple[str, str | bytes]
Section = Callable[["User"], Iterable[SectionFile]]

_sections: dict[str, Section] = {}

README_NAME = "说明.txt"


class SectionNameInvalid(ValueError):
    """A section name or one of its file names would escape its folder in the ZIP."""


def register_section(name: str, function: Section) -> None:
    """Add (or replace, when registered again under ``name``) a section of the export."""
    if not name.isascii() or not name.replace("_", "").replace("-", "").isalnum():
        raise SectionNameInvalid(name)
    _sections[name] = function


def registered_sections() -> dict[str, Section]:
    return dict(_sections)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def json_file(data: Any) -> str:
    """Readable JSON: Chinese as is, dates as ISO 8601, anything else as text."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _member_name(section: str, filename: str) -> str:
    # A section's file names come from data (titles): never outside its folder.
    path = posixpath.normpath(f"{section}/{filename}")
    if path.startswith(("/", "../")) or not path.startswith(f"{section}/"):
        raise SectionNameInvalid(filename)
    return path


def _readme(user: User, names: list[str]) -> str:
    generated = cn_datetime(timezone.now())
    lines = [
        _("基层心得知识库 \u00b7 个人数据导出"),
        _("用户\uff1a%(username)s") % {"username": user.username},
        _("导出时间\uff1a%(time)s") % {"time": generated},
        "",
        _("本压缩包含网站保存的与你有关的全部信息\uff0c每个文件夹一类\uff1a"),
        *(f"  {name}/" for name in names),
        "",
        _(
            "JSON 文件可用任何文本编辑器打开\uff1b心得是 Markdown 文件\uff0c"
            "开头两行 --- 之间是标题、原则、状态、日期和标签。"
        ),
    ]
    return "\n".join(str(line) for line in lines) + "\n"


def data_export_write(
    *, user: User, file: IO[bytes], progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the ZIP of ``user``'s data into ``file``; returns how many files it holds.

    ``progress(done, total)`` hears after each section (the queued export shows it).
    """
    count = 0
    names = sorted(_sections)
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README_NAME, _readme(user, names))
        for done, name in enumerate(names, start=1):
            for filename, content in _sections[name](user):
                archive.writestr(_member_name(name, filename), content)
                count += 1
            if progress is not None:
                progress(done, len(names))
    return count + 1


# The accounts domain's own sections: the profile and the login records.


def profile_section(user: User) -> Iterable[SectionFile]:
    profile = {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "unit": user.unit,
        "post": user.post,
        "years_of_service": user.years_of_service,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "privacy_consented_at": user.privacy_consented_at,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "is_staff": user.is_staff,
    }
    yield "profile.json", json_file(profile)


def logins_section(user: User) -> Iterable[SectionFile]:
    yield "logins.json", json_file(login_records_of(username=user.username))


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("profile", profile_section)
    register_section("logins", logins_section)
