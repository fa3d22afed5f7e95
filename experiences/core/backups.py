"""Backups of the whole database, and their restore, for `manage.py backup` / `restore`.

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, taken in a
single repeatable-read transaction) and ``pg_restore``. SQLite: the sqlite3
online backup API, which copies a consistent image while the site keeps running.

Backups are named by the time they were taken, in UTC: ``kb-20260101T020000Z.pgdump``
or ``.sqlite3``; the names sort in time order, which is how the oldest are pruned.
A backup is written under a ``.partial`` name and renamed once complete, so a
crash never leaves a file that looks like a good backup.

A backup holds every colleague's data, password digests included: the directory
is made (or tightened to) 0700 and each file is created 0600 before pg_dump or
SQLite write a byte into it, so at no moment can another local account read it.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SUFFIXES = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}
NAME_PATTERN = re.compile(r"^kb-\d{8}T\d{6}(?:\d{6})?Z\.(?:pgdump|sqlite3)$")


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator, in Chinese."""


def vendor_name(vendor: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(vendor, vendor)


def backup_file_name(vendor: str, now: datetime.datetime) -> str:
    if vendor not in SUFFIXES:
        raise BackupError(f"不支持备份这种数据库\uff1a{vendor}")
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    return f"kb-{stamp}Z{SUFFIXES[vendor]}"


def backup_path_new(directory: Path, vendor: str, now: datetime.datetime) -> Path:
    """The file a backup taken now goes to (microseconds added if a second saw two)."""
    path = directory / backup_file_name(vendor, now)
    if path.exists():
        stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = directory / f"kb-{stamp}Z{SUFFIXES[vendor]}"
    return path


def backups_existing(directory: Path) -> list[Path]:
    """This site's backups in the directory, oldest first (other files are left alone)."""
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and NAME_PATTERN.match(p.name)),
        key=lambda p: re.sub(r"\D", "", p.name).ljust(20, "0"),
    )


def backups_to_prune(directory: Path, keep: int) -> list[Path]:
    existing = backups_existing(directory)
    return existing[: max(len(existing) - max(keep, 1), 0)]


def pg_command_env(settings_dict: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection arguments from Django's DATABASES entry.

    The password goes in the environment (PGPASSWORD), never on the command line.
    """
    args: list[str] = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"]), "--no-password"]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def database_describe(vendor: str, settings_dict: Mapping[str, Any]) -> str:
    if vendor == "postgresql":
        host = settings_dict.get("HOST") or "localhost"
        port = settings_dict.get("PORT") or 5432
        return f"PostgreSQL 数据库 {settings_dict['NAME']}\uff08{host}:{port}\uff09"
    return f"SQLite 数据库 {settings_dict['NAME']}"


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"找不到 {command[0]}\uff1a请安装 PostgreSQL 客户端\uff08postgresql-client\uff09。"
        )
    # The arguments come from the settings and the operator's own command line.
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{command[0]} 失败\uff08退出码 {result.returncode}\uff09\uff1a{result.stderr.strip()}"
        )


DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def _tighten(path: Path, mode: int) -> bool:
    """chmod ``path`` to ``mode`` if it is ours and looser; False if it stays looser."""
    status = path.stat()
    if not status.st_mode & 0o077:
        return True
    # Never a shared directory such as /tmp (sticky) or one that is not ours.
    if status.st_mode & stat.S_ISVTX or status.st_uid != os.geteuid():
        return False
    try:
        path.chmod(mode)
    except OSError:
        return False
    return True


def backup_directory_prepare(directory: Path) -> list[Path]:
    """Make the backup directory 0700, or tighten it and the backups already in it.

    Returns what could not be tightened (not ours, or a shared directory such as
    /tmp), for the operator to see; the new backup is 0600 whatever the directory.
    """
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    loose = [] if _tighten(directory, DIRECTORY_MODE) else [directory]
    loose += [old for old in backups_existing(directory) if not _tighten(old, FILE_MODE)]
    return loose


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (never wider, whatever the umask)."""
    path.unlink(missing_ok=True)  # a leftover of a killed run
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(descriptor)


def backup_write(connection: BaseDatabaseWrapper, path: Path) -> list[Path]:
    """A consistent snapshot of the connection's database, written to path (mode 0600).

    Returns what backup_directory_prepare could not tighten.
    """
    loose = backup_directory_prepare(path.parent)
    partial = path.with_name(path.name + ".partial")
    # Created 0600 before anything is written: pg_dump and SQLite open the existing
    # file (truncating, keeping its mode) instead of creating one with the umask.
    _create_private(partial)
    try:
        if connection.vendor == "postgresql":
            args, env = pg_command_env(connection.settings_dict)
            _run(["pg_dump", "--format=custom", "--file", str(partial), *args], env)
        elif connection.vendor == "sqlite":
            # Through Django's own connection: it also works for an in-memory database.
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise BackupError(f"不支持备份这种数据库\uff1a{connection.vendor}")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return loose


def postgresql_tables(settings_dict: Mapping[str, Any]) -> list[str]:
    """The tables in the database's public schema (a separate connection: any database)."""
    import psycopg2

    connection = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return sorted(row[0] for row in cursor.fetchall())
    finally:
        connection.close()


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return sorted(row[0] for row in rows)
    finally:
        connection.close()


def database_tables(vendor: str, settings_dict: Mapping[str, Any]) -> list[str]:
    if vendor == "postgresql":
        return postgresql_tables(settings_dict)
    if vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError(
                "不能恢复到内存中的 SQLite 数据库\uff1a请在 DATABASE_URL 里指定一个文件。"
            )
        return sqlite_tables(Path(name))
    raise BackupError(f"不支持恢复这种数据库\uff1a{vendor}")


def backup_vendor(path: Path) -> str:
    """Which database a backup file is for, from its content (not only its name)."""
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(b"PGDMP"):
        return "postgresql"
    if head.startswith(b"SQLite format 3"):
        return "sqlite"
    raise BackupError(
        f"{path} 不是本站的备份文件"
        "\uff08既不是 pg_dump 的自定义格式\uff0c也不是 SQLite 数据库\uff09。"
    )


def backup_restore(
    path: Path, vendor: str, settings_dict: Mapping[str, Any], *, force: bool = False
) -> None:
    """Restores the backup at path into the database of settings_dict.

    Refuses a database that already has tables unless force: then PostgreSQL's
    objects from the backup are dropped and recreated (pg_restore --clean), and
    a SQLite file is overwritten as a whole.
    """
    if not path.is_file():
        raise BackupError(f"找不到备份文件\uff1a{path}")
    found = backup_vendor(path)
    if found != vendor:
        raise BackupError(
            f"这是 {vendor_name(found)} 的备份\uff0c不能恢复到 {vendor_name(vendor)} 数据库。"
        )
    tables = database_tables(vendor, settings_dict)
    if tables and not force:
        raise BackupError(
            f"{database_describe(vendor, settings_dict)} 不是空的"
            f"\uff08已有 {len(tables)} 张表\uff09\uff0c"
            "为避免覆盖数据\uff0c已拒绝恢复。请恢复到新建的空数据库\uff1b"
            "确定要覆盖现有数据\uff0c请加 --force。"
        )
    if vendor == "postgresql":
        args, env = pg_command_env(settings_dict)
        extra = ["--clean", "--if-exists"] if tables else []
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *extra,
                *args,
                str(path),
            ],
            env,
        )
    else:
        source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
