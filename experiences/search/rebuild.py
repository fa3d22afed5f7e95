"""Rebuilding the whole search index from its sources, as fast as the machine allows.

The receivers keep the index in step one change at a time (search/indexing.py);
this is the other path, for ``rebuild_search_index`` after an upgrade or a restore
and for the benchmarks: every document cleared and written again in batches. The
bulk load is its own concern: TRUNCATE instead of row deletes, the GIN index
dropped while loading and built once at the end, and reflections (most of the
work: segmenting is CPU-bound) indexed in forked worker processes on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.db.models import Max, Min, QuerySet
from taggit.models import Tag, TaggedItem

from experiences.essays.models import Principle, RelatedReading
from experiences.reflections.models import Reflection
from experiences.reflections.tags import tags_public
from experiences.replies.models import Reply
from experiences.search.expansion import expansion_warm, search_words_add
from experiences.search.indexing import (
    principle_document,
    reflection_document,
    related_reading_document,
    reply_document,
    tag_document,
)
from experiences.search.models import SearchDocument, SearchWord


def search_index_rebuild(
    *,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> int:
    """Rebuild every document from its sources in batches; returns how many exist after.

    With ``workers`` > 1 on PostgreSQL (outside a transaction), that many processes
    each index a range of reflections over their own connection: segmenting is
    CPU work, and one process leaves the second core to the database alone."""
    expansion_warm()
    # type-ignore: django-stubs does not know taggit's manager can be prefetched.
    principles = Principle.objects.select_related("essay").prefetch_related(  # type: ignore[misc]
        "quotations", "tags"
    )
    readings = RelatedReading.objects.select_related("essay")
    reflections = Reflection.objects.defer("body").order_by("pk")
    replies = Reply.objects.select_related("reflection").order_by("pk")
    tags = Tag.objects.filter(taggit_taggeditem_items__isnull=False).distinct()
    public_tags = set(tags_public().values_list("pk", flat=True))
    total = (
        principles.count() + readings.count() + reflections.count() + replies.count() + tags.count()
    )
    done = 0
    # Words added to the vocabulary by this process (forked workers inherit a copy).
    known: set[str] = set()

    def write(documents: list[SearchDocument]) -> None:
        nonlocal done
        with transaction.atomic():
            SearchDocument.objects.bulk_create(documents)
            search_words_add(documents=documents, known=known)
        done += len(documents)
        if progress:
            progress(done, total)

    _documents_clear()
    with _vector_index_dropped():
        write(
            [principle_document(p) for p in principles]
            + [related_reading_document(r) for r in readings]
        )
        write([tag_document(tag, is_public=tag.pk in public_tags) for tag in tags])
        last_reply = 0
        while answers := list(replies.filter(pk__gt=last_reply)[:batch_size]):
            write([reply_document(reply) for reply in answers])
            last_reply = answers[-1].pk
        parallel = (
            workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
        )
        if parallel:
            for written in _reflections_in_processes(
                workers=workers, batch_size=batch_size, known=known
            ):
                done += written
                if progress:
                    progress(done, total)
        else:
            for chunk in _reflection_chunks(reflections, batch_size=batch_size):
                write(chunk)
    return SearchDocument.objects.count()


# In a forked worker: the vocabulary words it (or the parent, before the fork) added.
_worker_known: set[str] = set()


def _reflections_index_range(bounds: tuple[int, int, int]) -> int:
    """In a worker process: index the reflections with lower < pk <= upper."""
    lower, upper, batch_size = bounds
    reflections = Reflection.objects.defer("body").filter(pk__lte=upper).order_by("pk")
    written = 0
    for chunk in _reflection_chunks(reflections, batch_size=batch_size, after=lower):
        with transaction.atomic():
            SearchDocument.objects.bulk_create(chunk)
            search_words_add(documents=chunk, known=_worker_known)
        written += len(chunk)
    return written


def _reflections_in_processes(*, workers: int, batch_size: int, known: set[str]) -> Iterator[int]:
    """Index every reflection in ``workers`` forked processes; yields counts as ranges finish."""
    import multiprocessing

    pks = Reflection.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if pks["low"] is None:
        return
    step = 5 * batch_size
    ranges = [
        (start, min(start + step, pks["high"]), batch_size)
        for start in range(pks["low"] - 1, pks["high"], step)
    ]
    _worker_known.clear()
    _worker_known.update(known)
    # The children open their own connections; the parent's must not be shared.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_connections_forget) as pool:
        yield from pool.imap_unordered(_reflections_index_range, ranges)


def _worker_connections_forget() -> None:
    """In a forked worker: drop (never use, never close) any connection object inherited from
    the parent, so the worker opens its own; two processes on one socket corrupt both."""
    for alias in connections:
        connections[alias].connection = None


def _reflection_chunks(
    reflections: QuerySet[Reflection], *, batch_size: int, after: int = 0
) -> Iterator[list[SearchDocument]]:
    """Documents of ``reflections`` by chunks of ``batch_size``. Tags are read per chunk
    in one query: taggit's prefetch builds a queryset per reflection, which was a
    quarter of the rebuild's time at 100,000 reflections."""
    reflection_type = ContentType.objects.get_for_model(Reflection)
    last_pk = after
    while chunk := list(reflections.filter(pk__gt=last_pk)[:batch_size]):
        names: dict[int, list[str]] = defaultdict(list)
        for object_id, name in TaggedItem.objects.filter(
            content_type=reflection_type, object_id__in=[r.pk for r in chunk]
        ).values_list("object_id", "tag__name"):
            names[object_id].append(name)
        yield [reflection_document(r, tag_names=names[r.pk]) for r in chunk]
        last_pk = chunk[-1].pk


# The GIN index of migration 0010, dropped while a rebuild loads every document and
# built once at the end: building it from all rows is several times faster than
# updating it row by row.
_VECTOR_INDEX = "search_document_vector_gin"
_VECTOR_INDEX_CREATE = (
    f"CREATE INDEX IF NOT EXISTS {_VECTOR_INDEX} ON experiences_searchdocument "
    "USING gin (search_vector)"
)


def _documents_clear() -> None:
    """Every document and the vocabulary away; on PostgreSQL by TRUNCATE, which leaves no
    dead rows behind (outside a transaction only: inside one, deferred key checks forbid it)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {SearchDocument._meta.db_table}")
            cursor.execute(f"TRUNCATE {SearchWord._meta.db_table}")
    else:
        SearchDocument.objects.all().delete()
        SearchWord.objects.all().delete()


@contextmanager
def _vector_index_dropped() -> Iterator[None]:
    """PostgreSQL, outside a transaction (the command): no GIN index while loading."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {_VECTOR_INDEX}")
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(_VECTOR_INDEX_CREATE)
