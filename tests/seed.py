"""The shipped essay, imported once per test session and copied into each test that asks.

Importing it (parse, store, index for search) costs a test about a tenth of a second and
some 370 tests ask for it. So the session imports it once into the empty test database,
inside a transaction it rolls back, and keeps the rows the import wrote; each test's
``seed_essay`` writes those rows back inside its own transaction (rolled back or flushed
after it, as before), with the primary-key sequences moved past them.

The copy is exact or not used: when the import changed a row that was there before, or
points at one (other than a content type, matched by name), each test imports for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import ForeignKey, Model

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.seed import SEED_ESSAY

Rows = dict[Any, dict[str, Any]]


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


def snapshot_take() -> None:
    """Import the essay into the (empty) test database, note what it wrote, roll back."""
    global _snapshot
    _snapshot = None
    models = _models()
    try:
        with transaction.atomic():
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
    content_types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    with transaction.atomic():
        for model, rows in _snapshot.rows:
            keys = [name for m, name in _snapshot.content_type_keys if m is model]
            objects = []
            for row in rows:
                values = dict(row)
                for name in keys:
                    if values[name] is not None:
                        values[name] = content_types.get(values[name]) or (
                            ContentType.objects.get_by_natural_key(*values[name]).pk
                        )
                objects.append(model(**values))
            model._default_manager.bulk_create(objects)
        models = [model for model, _ in _snapshot.rows]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return Essay.objects.get(pk=_snapshot.essay_pk)
