"""Backups: `manage.py backup` / `restore` (make backup, make restore FILE=…).

A populated database is backed up, restored into a fresh one (a scratch
PostgreSQL database, or a temporary SQLite file) and compared table by table:
row count and a checksum of every row. The PostgreSQL tests run when the suite
runs on PostgreSQL, the SQLite ones when it runs on SQLite; CI runs both.

pg_dump reads from its own connection, so these tests commit their data
(transactional tests, flushed afterwards).
"""

import datetime
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from experiences.core.backups import (
    BackupError,
    backup_file_name,
    backup_restore,
    backup_write,
    backups_existing,
    backups_to_prune,
)
from experiences.reflections.services import reflection_create, reflection_update
from tests.factories import LikeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


@pytest.fixture
def populated(seed_essay):
    """Essays, principles, reflections, tags, 点赞, revision history, users."""
    authors = UserFactory.create_batch(3)
    principles = list(seed_essay.principles.order_by("position")[:3])
    reflections = []
    for number, (author, principle) in enumerate(zip(authors, principles, strict=True)):
        reflection, _ = reflection_create(
            author=author,
            principle=principle,
            title=f"备份测试心得{number}",
            body=f"群众的事再小也是**大事**\uff0c第 {number} 条。",
            tags=["群众工作", "党性原则", f"标签{number}"],
        )
        reflections.append(reflection)
    reflection_update(
        reflection=reflections[0],
        principle=principles[0],
        title="改过的标题",
        body="改过的正文\uff1a坚持原则。",
        tags=["群众工作"],
    )
    for user in authors:
        for reflection in reflections:
            if reflection.author != user:
                LikeFactory(user=user, reflection=reflection)
    seed_essay.title = seed_essay.title + "\uff08修订\uff09"
    seed_essay.save()  # a second historical record
    return seed_essay


def rows_fingerprint(cursor, tables, quote) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows (in an order-independent way)."""
    result = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        result[table] = (len(rows), digest)
    return result


def pg_connect(name):
    import psycopg2

    db = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


def pg_fingerprint(name):
    raw = pg_connect(name)
    try:
        with raw.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            return rows_fingerprint(cursor, tables, lambda t: '"' + t.replace('"', '""') + '"')
    finally:
        raw.close()


def sqlite_fingerprint(raw):
    cursor = raw.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = sorted(row[0] for row in cursor.fetchall())
    return rows_fingerprint(cursor, tables, lambda t: '"' + t.replace('"', '""') + '"')


@pytest.fixture
def scratch_database():
    """A new, empty PostgreSQL database, dropped afterwards."""
    name = f"test_kb_scratch_{uuid.uuid4().hex[:12]}"
    admin = pg_connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def assert_populated(fingerprint):
    for table in (
        "experiences_user",
        "experiences_essay",
        "experiences_historicalessay",
        "experiences_principle",
        "experiences_reflection",
        "experiences_like",
        "experiences_searchdocument",
        "taggit_tag",
        "taggit_taggeditem",
    ):
        assert fingerprint[table][0] > 0, table
    assert fingerprint["experiences_historicalessay"][0] >= 2
    assert fingerprint["experiences_like"][0] == 6


# Both databases: the command writes one file named by the UTC time, and prunes.


def test_backup_names_sort_by_utc_time():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    moment = datetime.datetime(2026, 1, 1, 10, 0, 0, tzinfo=shanghai)
    assert backup_file_name("postgresql", moment) == "kb-20260101T020000Z.pgdump"
    assert backup_file_name("sqlite", moment) == "kb-20260101T020000Z.sqlite3"
    with pytest.raises(BackupError):
        backup_file_name("oracle", moment)


def test_only_the_newest_backups_are_kept_and_other_files_left_alone(tmp_path):
    names = [
        "kb-20260103T020000Z.pgdump",
        "kb-20260101T020000Z.pgdump",
        "kb-20260102T020000123456Z.pgdump",
        "kb-20260102T020000Z.pgdump",
        "notes.txt",
        "kb-20260101T020000Z.pgdump.partial",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in backups_existing(tmp_path)] == [
        "kb-20260101T020000Z.pgdump",
        "kb-20260102T020000Z.pgdump",
        "kb-20260102T020000123456Z.pgdump",
        "kb-20260103T020000Z.pgdump",
    ]
    assert [p.name for p in backups_to_prune(tmp_path, 2)] == [
        "kb-20260101T020000Z.pgdump",
        "kb-20260102T020000Z.pgdump",
    ]
    assert backups_to_prune(tmp_path, 14) == []


def test_backup_command_writes_a_snapshot_and_keeps_the_last_n(tmp_path, populated, settings):
    settings.KB_BACKUP_DIR = tmp_path
    for name in ("kb-20200101T000000Z", "kb-20200102T000000Z", "kb-20200103T000000Z"):
        (tmp_path / f"{name}.{'pgdump' if on_postgresql() else 'sqlite3'}").write_bytes(b"old")
    out = io.StringIO()
    call_command("backup", keep=2, stdout=out)
    assert "已备份" in out.getvalue()
    kept = backups_existing(tmp_path)
    assert len(kept) == 2
    assert kept[0].name == f"kb-20200103T000000Z{kept[1].suffix}"
    assert kept[1].stat().st_size > 10_000
    assert not list(tmp_path.glob("*.partial"))


def test_backup_dry_run_writes_nothing(tmp_path, settings, capsys):
    settings.KB_BACKUP_DIR = tmp_path / "backups"
    call_command("backup", dry_run=True)
    out = capsys.readouterr().out
    assert "将备份" in out and "未写入" in out
    assert not (tmp_path / "backups").exists()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, populated):
    backup = tmp_path / backup_file_name(connection.vendor, datetime.datetime.now(datetime.UTC))
    backup_write(connection, backup)
    if on_sqlite():
        target = tmp_path / "in-use.sqlite3"
        raw = sqlite3.connect(target)
        raw.execute("CREATE TABLE keep_me (id integer)")
        raw.execute("INSERT INTO keep_me VALUES (1)")
        raw.commit()
        raw.close()
        target_settings = {**connection.settings_dict, "NAME": str(target)}
    else:
        target_settings = connection.settings_dict  # the test database itself
    before = len(populated.principles.all())
    with pytest.raises(BackupError) as refused:
        backup_restore(backup, connection.vendor, target_settings)
    assert "不是空的" in str(refused.value)
    assert "--force" in str(refused.value)
    assert len(populated.principles.all()) == before
    if on_postgresql():
        with pytest.raises(CommandError, match="不是空的"):
            call_command("restore", str(backup))
        assert len(populated.principles.all()) == before
    if on_sqlite():
        raw = sqlite3.connect(target)
        assert raw.execute("SELECT count(*) FROM keep_me").fetchone() == (1,)
        raw.close()


def test_restore_refuses_a_backup_of_another_kind(tmp_path):
    other = tmp_path / "kb-20260101T000000Z.sqlite3"
    other.write_bytes(b"neither a dump nor a database")
    with pytest.raises(CommandError, match="不是本站的备份文件"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.pgdump"))


# PostgreSQL: pg_dump's custom format, restored into a scratch database.


@pytest.mark.skipif("not on_postgresql()", reason="runs when the suite runs on PostgreSQL")
def test_postgresql_backup_restores_every_row(tmp_path, populated, scratch_database):
    backup = tmp_path / backup_file_name("postgresql", datetime.datetime.now(datetime.UTC))
    backup_write(connection, backup)
    assert backup.read_bytes().startswith(b"PGDMP")
    original = pg_fingerprint(connection.settings_dict["NAME"])
    assert_populated(original)

    backup_restore(backup, "postgresql", scratch_database)
    assert pg_fingerprint(scratch_database["NAME"]) == original

    # Refused once it has tables; --force recreates what the backup holds.
    with pytest.raises(BackupError, match="不是空的"):
        backup_restore(backup, "postgresql", scratch_database)
    backup_restore(backup, "postgresql", scratch_database, force=True)
    assert pg_fingerprint(scratch_database["NAME"]) == original


# SQLite: the online backup API, restored into a temporary file.


@pytest.mark.skipif("not on_sqlite()", reason="runs when the suite runs on SQLite")
def test_sqlite_backup_restores_every_row(tmp_path, populated):
    backup = tmp_path / backup_file_name("sqlite", datetime.datetime.now(datetime.UTC))
    backup_write(connection, backup)
    assert backup.read_bytes().startswith(b"SQLite format 3")
    # Read through a plain sqlite3 connection, as the restored file is (Django's
    # own converts dates); the test database is a shared in-memory one.
    source = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        original = sqlite_fingerprint(source)
    finally:
        source.close()
    assert_populated(original)

    target = tmp_path / "restored.sqlite3"
    backup_restore(backup, "sqlite", {**connection.settings_dict, "NAME": str(target)})
    raw = sqlite3.connect(target)
    try:
        assert sqlite_fingerprint(raw) == original
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        raw.close()


@pytest.mark.skipif("not on_sqlite()", reason="runs when the suite runs on SQLite")
def test_restore_command_exits_non_zero_with_a_chinese_message(tmp_path):
    """manage.py restore, as make restore runs it, on a file database that is not empty."""
    target = tmp_path / "live.sqlite3"
    raw = sqlite3.connect(target)
    raw.execute("CREATE TABLE keep_me (id integer)")
    raw.commit()
    raw.close()
    backup = tmp_path / "kb-20260101T000000Z.sqlite3"
    raw = sqlite3.connect(backup)
    raw.execute("CREATE TABLE from_backup (id integer)")
    raw.commit()
    raw.close()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{target}",
        "KB_BACKUP_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore", str(backup)]
    refused = subprocess.run(manage, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr and "--force" in refused.stderr

    dry = subprocess.run(
        [*manage, "--dry-run"], env=env, capture_output=True, text=True, check=False
    )
    assert dry.returncode == 0 and "未写入" in dry.stdout

    forced = subprocess.run(
        [*manage, "--force"], env=env, capture_output=True, text=True, check=False
    )
    assert forced.returncode == 0, forced.stderr
    raw = sqlite3.connect(target)
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    raw.close()
    assert tables == {"from_backup"}


# A backup holds everyone's data: 0600 files in a 0700 directory, from the first byte.


@pytest.fixture
def usual_umask():
    """The umask most servers run with (0022): files 0644, directories 0755 by default."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


class FakePostgreSQL:
    vendor = "postgresql"
    settings_dict = {"NAME": "kb"}


def test_a_dump_is_private_before_pg_dump_writes_a_byte(tmp_path, usual_umask, monkeypatch):
    from experiences.core import backups

    modes = []

    def pg_dump(command, env):
        target = Path(command[command.index("--file") + 1])
        modes.append(mode(target) if target.exists() else None)
        with target.open("wb") as file:  # as pg_dump opens its --file
            file.write(b"PGDMP")

    monkeypatch.setattr(backups, "_run", pg_dump)
    path = tmp_path / "backups" / "kb-20260101T000000Z.pgdump"
    backup_write(FakePostgreSQL(), path)
    assert modes == [0o600]
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_the_backup_command_tightens_the_directory_and_older_backups(
    tmp_path, usual_umask, settings
):
    directory = tmp_path / "backups"
    directory.mkdir(mode=0o755)
    suffix = ".pgdump" if on_postgresql() else ".sqlite3"
    older = directory / f"kb-20200101T000000Z{suffix}"
    older.write_bytes(b"old")
    older.chmod(0o644)
    notes = directory / "notes.txt"
    notes.write_bytes(b"the operator's own file")
    notes.chmod(0o644)
    settings.KB_BACKUP_DIR = directory
    call_command("backup", keep=5, stdout=io.StringIO())
    (newest,) = [p for p in backups_existing(directory) if p != older]
    assert mode(directory) == 0o700
    assert mode(newest) == 0o600
    assert mode(older) == 0o600
    assert mode(notes) == 0o644  # not a backup: left alone


def test_a_shared_directory_is_not_tightened_but_the_backup_is_private(
    tmp_path, usual_umask, settings
):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    settings.KB_BACKUP_DIR = shared
    err = io.StringIO()
    call_command("backup", stdout=io.StringIO(), stderr=err)
    assert mode(shared) == 0o777
    assert "无法把" in err.getvalue() and "仅本用户可读写" in err.getvalue()
    assert [mode(p) for p in backups_existing(shared)] == [0o600]
