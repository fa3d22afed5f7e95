"""The shipped essay, imported once per test session and copied into each test that asks.

Importing it (parse, store, index for search) costs a test about a tenth of a second and
some 370 tests ask for it. So the session imports it once into the empty test database,
inside a transaction it rolls back, and keeps the rows the import wrote; each test's
``seed_essay`` writes those rows back inside its own transaction (rolled back or flushed
after it, as before), with the primary-key sequences moved past them.

The session's import takes its keys from SEED_KEYS_FROM on, far above those a test's own
rows take, so a test that made rows before asking for the essay never holds a key the
copy needs. The copy is exact or not used: when the import changed a row that was there
before, or points at one (other than a content type, matched by name), each test imports
for real; and a test whose rows clash with the copy anyway (say an essay of the same
slug) imports for real too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import ForeignKey, Model

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.seed import SEED_ESSAY

Rows = dict[Any, dict[str, Any]]
SEED_KEYS_FROM = 1_000_000
AUTO_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")


@dataclass
class Snapshot:
    essay_pk: int
    # Per model, in the order the app registry lists them: the rows the import wrote.
    rows: list[tuple[type[Model], list[dict[str, Any]]]]
    # (model, attname) of foreign keys to ContentType: stored as (app_label, model).
    content_type_keys: list[tuple[type[Model], str]]


class _Rollback(Exception):
    pass


_snapshot: Snapshot | None = None


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _table(model: type[Model]) -> Rows:
    pk = model._meta.pk
    assert pk is not None
    return {row[pk.attname]: row for row in model._default_manager.values()}


@contextmanager
def _keys_from(start: int, models: list[type[Model]]) -> Iterator[None]:
    """Within a transaction: new rows of ``models`` take keys from ``start`` on; on SQLite
    until it is rolled back (sqlite_sequence with it), on PostgreSQL until the block ends
    (sequences are not rolled back, so they are set back)."""
    tables = [
        (model._meta.db_table, model._meta.pk.column)
        for model in models
        if model._meta.pk is not None and model._meta.pk.get_internal_type() in AUTO_KEYS
    ]
    saved: list[tuple[str, int, bool]] = []
    with connection.cursor() as cursor:
        for table, column in tables:
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                )
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                    last_value, is_called = cursor.fetchone()
                    saved.append((sequence, last_value, is_called))
                    cursor.execute("SELECT setval(%s, %s)", [sequence, start])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sequence, last_value, is_called in saved:
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])


def snapshot_take() -> None:
    """Import the essay into the (empty) test database, note what it wrote, roll back."""
    global _snapshot
    _snapshot = None
    models = _models()
    try:
        with transaction.atomic(), _keys_from(SEED_KEYS_FROM, models):
            before = {model: _table(model) for model in models}
            essay = essay_import(text=SEED_ESSAY.read_text(encoding="utf-8")).essay
            after = {model: _table(model) for model in models}
            _snapshot = _snapshot_from(essay.pk, before, after)
            raise _Rollback
    except _Rollback:
        pass


def _snapshot_from(
    essay_pk: int,
    before: dict[type[Model], Rows],
    after: dict[type[Model], Rows],
) -> Snapshot | None:
    rows: list[tuple[type[Model], list[dict[str, Any]]]] = []
    written: dict[type[Model], set[Any]] = {}
    for model, now in after.items():
        old = before[model]
        if any(pk in now and now[pk] != row for pk, row in old.items()) or set(old) - set(now):
            return None  # the import changed or deleted a row it found: copy nothing
        new = [row for pk, row in now.items() if pk not in old]
        if new:
            rows.append((model, new))
            written[model] = {row[model._meta.pk.attname] for row in new}
    content_type_keys = []
    content_types = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    for model, new in rows:
        for field in model._meta.concrete_fields:
            if not isinstance(field, ForeignKey):
                continue
            target = field.related_model
            values = {row[field.attname] for row in new} - {None}
            if target is ContentType:
                content_type_keys.append((model, field.attname))
                for row in new:
                    if row[field.attname] is not None:
                        row[field.attname] = content_types[row[field.attname]]
            elif values - written.get(target, set()):
                return None  # points at a row of before the import: not a copy of its own
    return Snapshot(essay_pk=essay_pk, rows=rows, content_type_keys=content_type_keys)


def seed_essay_create() -> Essay:
    """The shipped essay in this test's database, as `make run` imports it."""
    if _snapshot is None:
        return essay_import(text=SEED_ESSAY.read_text(encoding="utf-8")).essay
    try:
        return _snapshot_copy(_snapshot)
    except IntegrityError:  # the test's own rows clash with the copy: import for real
        return essay_import(text=SEED_ESSAY.read_text(encoding="utf-8")).essay


def _snapshot_copy(snapshot: Snapshot) -> Essay:
    content_types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    # Rows nothing in the copy points at (history, search documents, the vocabulary) keep
    # what the test holds already, as the import does (a word already known stays).
    referenced = {
        field.related_model
        for model, _ in snapshot.rows
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey)
    }
    with transaction.atomic():
        for model, rows in snapshot.rows:
            keys = [name for m, name in snapshot.content_type_keys if m is model]
            objects = []
            for row in rows:
                values = dict(row)
                for name in keys:
                    if values[name] is not None:
                        values[name] = content_types.get(values[name]) or (
                            ContentType.objects.get_by_natural_key(*values[name]).pk
                        )
                objects.append(model(**values))
            model._default_manager.bulk_create(objects, ignore_conflicts=model not in referenced)
        models = [model for model, _ in snapshot.rows]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return Essay.objects.get(pk=snapshot.essay_pk)
