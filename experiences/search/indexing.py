"""Keeping the search index in step with what it indexes.

Every principle, reflection (public once published, else its author's), tag
(public while a published principle or reflection carries it) and related
reading has one :class:`SearchDocument` whose words jieba has cut in search
mode, kept apart by where they stand (title, heading, body) because ranking
weighs them differently, beside the character bigrams that find a word jieba
cut differently in the text (search/grams.py). The receivers in
``search/receivers.py`` call these functions on every change, in the same
transaction; deleting a source deletes its document
through the cascading key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import unescape
from typing import Any

from django.db import transaction
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from experiences.core.segmentation import terms_for_index
from experiences.essays.models import Essay, Principle, RelatedReading
from experiences.reflections.models import Reflection
from experiences.search.grams import grams_for_index
from experiences.search.models import SearchDocument
from experiences.tagging.services import tags_public


def _padded(terms: str) -> str:
    return f" {terms} " if terms else ""


def _tag_names(tags: Iterable[Tag]) -> str:
    names = [tag.name.lower() for tag in tags]
    return "\n" + "\n".join(names) + "\n" if names else ""


def _html_text(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", markup)).strip()


_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def _html_headings(markup: str) -> str:
    """The text of a reflection's Markdown headings, one per line."""
    return "\n".join(_html_text(heading) for heading in _HEADING.findall(markup))


def document_terms(*, title: str, heading: str = "", body: str = "") -> dict[str, str]:
    """The indexed terms of one document: words by where they stand, and its bigrams."""
    columns = {
        "title_terms": terms_for_index(title),
        "heading_terms": terms_for_index(heading) if heading else "",
        "body_terms": terms_for_index(body) if body else "",
    }
    words = " ".join(columns.values()).split()
    columns["gram_terms"] = grams_for_index((title, heading, body), words=words)
    return {name: _padded(terms) for name, terms in columns.items()}


def _document_store(document: SearchDocument, source_field: str) -> None:
    """Insert or update the document of one source, keyed by its one-to-one source field."""
    values = {
        f.attname: getattr(document, f.attname)
        for f in SearchDocument._meta.concrete_fields
        if f.attname not in {"id", source_field + "_id"}
    }
    SearchDocument.objects.update_or_create(
        **{source_field: getattr(document, source_field)}, defaults=values
    )


def _document(kind: str, **fields: Any) -> SearchDocument:
    """An unsaved document; its ranking priority follows from its kind."""
    return SearchDocument(kind=kind, priority=SearchDocument.PRIORITIES[kind], **fields)


def principle_document(principle: Principle) -> SearchDocument:
    """Expects quotations and tags prefetched (or fetches them) and the essay loaded."""
    tags = list(principle.tags.all())
    body = "\n".join(
        [*principle.paragraphs, *(f"{q.source}:{q.text}" for q in principle.quotations.all())]
    )
    return _document(
        SearchDocument.Kind.PRINCIPLE,
        principle=principle,
        title=principle.label,
        body=body,
        url=principle.get_absolute_url(),
        **document_terms(
            title=f"{principle.baseline} {principle.emphasis}",
            heading=principle.heading,
            body=body + "\n" + " ".join(t.name for t in tags),
        ),
        is_public=principle.essay.status == Essay.Status.PUBLISHED,
        about_principle=principle,
        tag_names=_tag_names(tags),
    )


def related_reading_document(reading: RelatedReading) -> SearchDocument:
    return _document(
        SearchDocument.Kind.RELATED_READING,
        related_reading=reading,
        title=reading.title,
        body=reading.excerpt,
        url=reading.essay.get_absolute_url() + "#related-heading",
        **document_terms(title=reading.title, body=reading.excerpt),
        is_public=reading.essay.status == Essay.Status.PUBLISHED,
    )


def reflection_document(reflection: Reflection) -> SearchDocument:
    """Published reflections are public; pending and rejected ones only their author's."""
    tags = list(reflection.tags.all())
    body = _html_text(reflection.body_html)
    return _document(
        SearchDocument.Kind.REFLECTION,
        reflection=reflection,
        title=str(reflection.display_title),
        body=body,
        url=reflection.get_absolute_url(),
        **document_terms(
            title=reflection.title,
            heading=_html_headings(reflection.body_html),
            body=body + "\n" + " ".join(t.name for t in tags),
        ),
        is_public=reflection.status == Reflection.Status.PUBLISHED,
        owner_id=reflection.author_id,
        about_principle_id=reflection.principle_id,
        tag_names=_tag_names(tags),
    )


def tag_document(tag: Tag, *, is_public: bool) -> SearchDocument:
    """``is_public``: a published principle or reflection carries the tag (tagging.tags_public)."""
    return _document(
        SearchDocument.Kind.TAG,
        tag=tag,
        title=tag.name,
        url=reverse("experiences:tag_detail", kwargs={"name": tag.name}),
        **document_terms(title=tag.name),
        tag_names=_tag_names([tag]),
        is_public=is_public,
    )


def search_index_tags(*, tags: Iterable[Tag]) -> None:
    """(Re)index tags: public while a published principle or reflection carries them; a tag
    nothing carries any more has no document."""
    tags = list(tags)
    if not tags:
        return
    pks = [tag.pk for tag in tags]
    public = set(tags_public().filter(pk__in=pks).values_list("pk", flat=True))
    used = set(
        TaggedItem.objects.filter(tag_id__in=pks).values_list("tag_id", flat=True).distinct()
    )
    for tag in tags:
        if tag.pk in used:
            _document_store(tag_document(tag, is_public=tag.pk in public), "tag")
        else:
            SearchDocument.objects.filter(tag=tag).delete()


def search_index_principle(*, principle: Principle) -> None:
    _document_store(principle_document(principle), "principle")
    search_index_tags(tags=principle.tags.all())


def search_index_related_reading(*, reading: RelatedReading) -> None:
    _document_store(related_reading_document(reading), "related_reading")


def search_index_essay(*, essay: Essay) -> None:
    """Everything of an essay: after an import, an edit, publishing or withdrawing."""
    for principle in essay.principles.select_related("essay").prefetch_related(
        "quotations", "tags"
    ):
        search_index_principle(principle=principle)
    for reading in essay.related_readings.select_related("essay"):
        search_index_related_reading(reading=reading)


def search_index_reflection(*, reflection: Reflection) -> None:
    _document_store(reflection_document(reflection), "reflection")
    search_index_tags(tags=reflection.tags.all())


def search_index_rebuild(
    *, batch_size: int = 1000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every document from its sources in batches; returns how many exist after."""
    principles = Principle.objects.select_related("essay").prefetch_related("quotations", "tags")
    readings = RelatedReading.objects.select_related("essay")
    reflections = Reflection.objects.prefetch_related("tags").order_by("pk")
    tags = Tag.objects.filter(taggit_taggeditem_items__isnull=False).distinct()
    public_tags = set(tags_public().values_list("pk", flat=True))
    total = principles.count() + readings.count() + reflections.count() + tags.count()
    done = 0
    SearchDocument.objects.all().delete()

    def write(documents: list[SearchDocument]) -> None:
        nonlocal done
        with transaction.atomic():
            SearchDocument.objects.bulk_create(documents)
        done += len(documents)
        if progress:
            progress(done, total)

    write(
        [principle_document(p) for p in principles]
        + [related_reading_document(r) for r in readings]
    )
    write([tag_document(tag, is_public=tag.pk in public_tags) for tag in tags])
    last_pk = 0
    while True:
        chunk = list(reflections.filter(pk__gt=last_pk)[:batch_size])
        if not chunk:
            break
        write([reflection_document(reflection) for reflection in chunk])
        last_pk = chunk[-1].pk
    return SearchDocument.objects.count()
