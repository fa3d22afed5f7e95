"""Store a parsed essay: the storage step after ``essays/parser.py``.

:func:`essay_import` parses and stores in one transaction and is idempotent:
importing the same text twice changes nothing; a changed text updates the
principles in place (keeping their ids, tags and what refers to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Manager, Model
from simple_history.utils import bulk_create_with_history

from experiences.core.caching import pages_changed
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading, Repair
from experiences.essays.parser import ParsedEssay, essay_parse
from experiences.essays.signals import essay_imported
from experiences.tagging.services import tag_names_clean


@dataclass
class ImportResult:
    essay: Essay
    parsed: ParsedEssay
    created: bool
    changed: bool


def _fields_update(instance: Model, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(
            update_fields=changed + (["updated_at"] if hasattr(instance, "updated_at") else [])
        )
    return bool(changed)


def _children_sync(
    manager: Manager[Any],
    model: type[Model],
    rows: list[dict[str, Any]],
    parent_field: str,
    parent: Model,
) -> bool:
    """Make the parent's ordered children equal ``rows``, writing only what differs."""
    existing = list(manager.order_by("position"))
    wanted = [{"position": index, **row} for index, row in enumerate(rows, start=1)]
    current = [{key: getattr(obj, key) for key in wanted[0]} for obj in existing] if wanted else []
    if current == wanted and len(existing) == len(wanted):
        return False
    manager.all().delete()
    objects = [model(**{parent_field: parent}, **row) for row in wanted]
    if hasattr(model, "history"):
        bulk_create_with_history(objects, model)
    else:
        model._default_manager.bulk_create(objects)
    return True


@transaction.atomic
def essay_import(
    *,
    text: str,
    title: str | None = None,
    status: str = Essay.Status.PUBLISHED,
    dry_run: bool = False,
    principle_tags: dict[str, list[str]] | None = None,
    allow_no_principles: bool = False,
    title_fallback: bool = False,
) -> ImportResult:
    """Parse ``text`` and store it as an essay, matched by its slug.

    Idempotent: rows are written only where they differ from what is stored,
    and principles are updated in place (keeping their ids, tags and anything
    that refers to them) rather than recreated. ``principle_tags`` (slug →
    names) adds tags to principles; tags already there stay.
    """
    parsed = essay_parse(
        text=text,
        title=title,
        allow_no_principles=allow_no_principles,
        title_fallback=title_fallback,
    )
    if dry_run:
        return ImportResult(
            essay=Essay(title=parsed.title, slug=parsed.slug),
            parsed=parsed,
            created=False,
            changed=False,
        )

    essay_values = {
        "title": parsed.title,
        "author_line": parsed.author_line,
        "opening": "\n".join(parsed.opening),
        "closing": "\n".join(parsed.closing),
        "notes": "\n".join(parsed.notes),
        "source_text": parsed.source_text,
        "unplaced_text": "\n".join(parsed.unplaced),
    }
    stored = Essay.objects.select_for_update().filter(slug=parsed.slug).first()
    created = stored is None
    if stored is None:
        essay = Essay.objects.create(slug=parsed.slug, status=status, **essay_values)
        changed = True
    else:
        essay = stored
        changed = _fields_update(essay, essay_values)

    existing = {principle.position: principle for principle in essay.principles.all()}
    for position, principle in existing.items():
        if position > len(parsed.principles):
            principle.delete()
            changed = True
    # A principle whose slug changes moves aside first, so a reordered essay
    # never collides with the per-essay unique slug on the way.
    wanted_slugs = {item.position: item.slug for item in parsed.principles}
    for position, principle in existing.items():
        if position in wanted_slugs and principle.slug != wanted_slugs[position]:
            Principle.objects.filter(pk=principle.pk).update(slug=f"~{principle.pk}")
            principle.slug = f"~{principle.pk}"
    for item in parsed.principles:
        values = {
            "slug": item.slug,
            "heading": item.heading,
            "opener": item.opener,
            "baseline": item.baseline,
            "connective": item.connective,
            "emphasis": item.emphasis,
            "body": "\n".join(item.paragraphs),
        }
        kept = existing.get(item.position)
        if kept is None:
            principle = Principle.objects.create(essay=essay, position=item.position, **values)
            changed = True
        else:
            principle = kept
            changed |= _fields_update(principle, values)
        wanted_tags = tag_names_clean((principle_tags or {}).get(item.slug, []))
        present = {name.casefold() for name in principle.tags.names()}
        missing = [name for name in wanted_tags if name.casefold() not in present]
        if missing:
            principle.tags.add(*missing)
            changed = True
        changed |= _children_sync(
            principle.quotations,
            Quotation,
            [{"text": q.text, "source": q.source} for q in item.quotations],
            "principle",
            principle,
        )

    changed |= _children_sync(
        essay.related_readings,
        RelatedReading,
        [{"title": r.title, "excerpt": r.excerpt} for r in parsed.related_readings],
        "essay",
        essay,
    )
    changed |= _children_sync(
        essay.repairs,
        Repair,
        [
            {"before": r.before, "after": r.after, "description": r.description}
            for r in parsed.repairs
        ],
        "essay",
        essay,
    )
    if changed:
        # Bulk writes send no save signals: search (above essays) re-indexes on this one.
        essay_imported.send(sender=Essay, essay=essay)
        pages_changed()
    return ImportResult(essay=essay, parsed=parsed, created=created, changed=changed)
