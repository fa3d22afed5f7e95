"""Chinese full-text search that finds words inside sentences.

Indexing: every principle, published-or-own reflection, tag and related
reading gets a :class:`SearchDocument` whose text jieba has cut in search
mode, so 更要坚定原则 is stored as 更要 / 坚定 / 原则 / 坚定原则 and a search for
原则 finds it. Queries are cut the same way (precise mode per typed word) and
every word must match.

PostgreSQL finds matches with a GIN-indexed tsvector generated from those
words (migration 0002); SQLite matches the same words directly. Ranking uses
only small columns (words in the title, kind, recency), the same expression on
both databases, so both give the same answers. Snippets and <mark>
highlighting are made in Python, escaping the content first.

The index follows every change in the same transaction: the domain modules
call the ``search_index_*`` functions, and deleting a source deletes its
document through the cascading key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag, TaggedItem

from .models import Essay, Principle, Reflection, RelatedReading, SearchDocument
from .tagging import tags_public

QUERY_MAX_LENGTH = 200
MAX_WORDS = 8
RANKING_POOL = 200
COUNT_CAP = 1000
WORD = re.compile(r"\w", re.UNICODE)


def segmenter():
    """jieba, quiet; its dictionary loads once per process (jieba caches it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def segmenter_warm() -> None:
    """Load the dictionary now (at process start) rather than in the first request."""
    segmenter().initialize()


def _words_only(tokens: Iterable[str]) -> list[str]:
    return [token.lower() for token in tokens if token.strip() and WORD.search(token)]


def terms_for_index(text: str) -> str:
    """Search-mode words of ``text``, space-separated: long words also yield their parts."""
    return " ".join(_words_only(segmenter().cut_for_search(text)))


@dataclass
class ParsedQuery:
    text: str
    words: list[str]
    tokens: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.tokens


def query_parse(raw: str | None) -> ParsedQuery:
    """Typed query → words (split on spaces) → tokens that must all match."""
    text = re.sub(r"\s+", " ", (raw or "").replace("\x00", "")).strip()
    truncated = len(text) > QUERY_MAX_LENGTH
    text = text[:QUERY_MAX_LENGTH]
    words = [word for word in text.split(" ") if WORD.search(word)][:MAX_WORDS]
    tokens: list[str] = []
    for word in words:
        for token in _words_only(segmenter().lcut(word)):
            if token not in tokens:
                tokens.append(token)
    return ParsedQuery(text=text, words=words, tokens=tokens, truncated=truncated)


def _tsquery(tokens: list[str]) -> str:
    # Each word quoted (so & | ! : in user input are never operators); the whole
    # string travels as a query parameter, never as SQL.
    quoted = ("'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in tokens)
    return " & ".join(quoted)


def documents_visible_to(user) -> QuerySet[SearchDocument]:
    documents = SearchDocument.objects.all()
    if user is not None and user.is_authenticated:
        return documents.filter(Q(is_public=True) | Q(owner=user))
    return documents.filter(is_public=True)


def search_match(
    *,
    query: ParsedQuery,
    user=None,
    kind: str | None = None,
    tag: str | None = None,
    principle_id: int | None = None,
) -> QuerySet[SearchDocument]:
    """Every document ``user`` may see that contains every token (unordered)."""
    documents = documents_visible_to(user)
    if query.is_empty:
        return documents.none()
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tag_names__contains=f"\n{tag.lower()}\n")
    if principle_id:
        documents = documents.filter(about_principle_id=principle_id)
    if connection.vendor == "postgresql":
        return documents.filter(
            RawSQL(
                "search_vector @@ to_tsquery('simple', %s)",
                (_tsquery(query.tokens),),
                output_field=BooleanField(),
            )
        )
    for token in query.tokens:
        padded = f" {token} "
        documents = documents.filter(
            Q(title_terms__contains=padded) | Q(body_terms__contains=padded)
        )
    return documents


def search_run(*, query: ParsedQuery, user=None, **filters) -> QuerySet[SearchDocument]:
    """Matching documents, best first.

    Order: more of the query's words in the title (a principle's halves, a
    reflection's title, a tag) first; then principles, tags, the rest; then
    the most recent. Only the first ``RANKING_POOL`` matches by priority and
    recency are ordered: ranking every match of a very common word would read
    every one of them (300 ms at 100,000 reflections), and nobody pages past
    ten pages of a search.
    """
    matches = search_match(query=query, user=user, **filters)
    pool = matches.order_by("-priority", "-updated_at", "-pk").values("pk")[:RANKING_POOL]
    title_hits = sum(
        (
            Case(When(title_terms__contains=f" {token} ", then=Value(1)), default=Value(0))
            for token in query.tokens
        ),
        Value(0),
    )
    return (
        SearchDocument.objects.filter(pk__in=pool)
        .annotate(title_hits=title_hits)
        .order_by("-title_hits", "-priority", "-updated_at", "-pk")
    )


def search_count(*, query: ParsedQuery, user=None, **filters) -> tuple[int, bool]:
    """How many documents match, counted up to COUNT_CAP; and whether there are more."""
    matches = search_match(query=query, user=user, **filters)[: COUNT_CAP + 1]
    if connection.vendor != "postgresql":
        count = matches.count()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner prices `@@` as cheap and picks a sequential scan under
            # LIMIT, but every row it tests is an out-of-line vector to fetch:
            # 24 ms where the GIN bitmap takes 5 ms at 100,000 documents.
            cursor.execute("SET LOCAL enable_seqscan = off")
            count = matches.count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def snippet_highlight(text: str, tokens: list[str], *, width: int = 60) -> SafeString:
    """A window of ``text`` around the first hit, HTML-escaped, each token in <mark>."""
    if not text:
        return mark_safe("")
    ordered = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not ordered:
        return escape(text[: width * 2])
    pattern = re.compile("|".join(re.escape(token) for token in ordered), re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if len(text) <= width * 2 else max(0, (first.start() if first else 0) - width // 2)
    end = min(len(text), start + width * 2)
    window = text[start:end]
    parts = []
    cursor = 0
    for match in pattern.finditer(window):
        parts.append(escape(window[cursor : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    parts.append(escape(window[cursor:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def title_highlight(text: str, tokens: list[str]) -> SafeString:
    """The whole title (titles are short), escaped, with the tokens in <mark>."""
    return snippet_highlight(text, tokens, width=len(text) + 1)


# --- Keeping the index in step -------------------------------------------------


def _padded(terms: str) -> str:
    return f" {terms} " if terms else ""


def _tag_names(tags: Iterable) -> str:
    names = [tag.name.lower() for tag in tags]
    return "\n" + "\n".join(names) + "\n" if names else ""


def _html_text(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", markup)).strip()


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


def _document(kind: str, **fields) -> SearchDocument:
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
        title=f"既要「{principle.baseline}」,更要「{principle.emphasis}」",
        body=body,
        url=principle.get_absolute_url(),
        title_terms=_padded(
            terms_for_index(f"{principle.baseline} {principle.emphasis} {principle.heading}")
        ),
        body_terms=_padded(terms_for_index(body + " " + " ".join(t.name for t in tags))),
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
        title_terms=_padded(terms_for_index(reading.title)),
        body_terms=_padded(terms_for_index(reading.excerpt)),
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
        title_terms=_padded(terms_for_index(reflection.title)),
        body_terms=_padded(terms_for_index(body + " " + " ".join(t.name for t in tags))),
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
        title_terms=_padded(terms_for_index(tag.name)),
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
