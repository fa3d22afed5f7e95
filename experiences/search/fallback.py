"""When a query finds nothing: its homophone correction, its parts, then close names.

A word typed with the wrong character of the same sound (苦口婆新) is corrected
to the index's word that sounds the same (苦口婆心, search/expansion.py) and the
page asks 你是不是要找：苦口婆心, showing what that finds.

A compound jieba keeps whole (干群关系) matches only where it occurs verbatim, so
a query that finds nothing is searched again by its parts, any of which may
match (干群, 关系), and the page says so. When even that finds nothing, the
names people search for most (tags and the halves of principles) that share
characters with the query are offered instead of a dead end. Each step costs
one query, only on the way to an empty page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from experiences.core.segmentation import WORD, words_cut_for_search, words_only
from experiences.search.expansion import homophones
from experiences.search.grams import HAN
from experiences.search.models import SearchDocument
from experiences.search.query import (
    ParsedQuery,
    QueryWord,
    query_from_words,
    search_count,
)

if TYPE_CHECKING:
    from experiences.essays.models import Principle
    from experiences.search.query import AnyUser

SUGGESTIONS_MAX = 5
SUGGESTION_MIN_RATIO = 0.4
SUGGESTION_TAGS_READ = 2000
_HAN_CHAR = re.compile(f"[{HAN}]")


def _parts_of(term: QueryWord) -> list[str]:
    """A word's parts: its tokens when jieba cuts it, else the longest search-mode
    sub-words that do not overlap (干群关系 → 干群, 关系), else the word itself."""
    if len(term.tokens) > 1:
        return [t for t in term.tokens if len(t) > 1 or not _HAN_CHAR.match(t)]
    word = term.tokens[0]
    spans = []
    for sub in dict.fromkeys(words_only(words_cut_for_search(word))):
        if 1 < len(sub) < len(word):
            start = word.find(sub)
            spans.extend([(start, -len(sub), sub)] if start >= 0 else [])
    parts: list[str] = []
    end = 0
    for start, negative_length, sub in sorted(spans):
        if start >= end:
            parts.append(sub)
            end = start - negative_length
    return parts or [word]


def query_fallback(query: ParsedQuery) -> ParsedQuery | None:
    """The parts of a compound query that found nothing, any of which may match;
    None when the query has no parts to fall back to (a single short word)."""
    if query.match_any or query.is_empty:
        return None
    parts = list(dict.fromkeys(part for term in query.terms for part in _parts_of(term)))
    if len(parts) < 2:
        return None
    return query_from_words(text=" ".join(parts), words=parts, match_any=True)


@dataclass
class Resolved:
    """What the search page shows for a query: ``shown`` is the query itself, its
    homophone correction (``correction`` then) or its parts (``fallback`` then) when it
    found nothing and they find something."""

    query: ParsedQuery
    shown: ParsedQuery
    total: int
    more: bool
    fallback: ParsedQuery | None = None
    correction: ParsedQuery | None = None


def query_correction(query: ParsedQuery) -> ParsedQuery | None:
    """The query with each word that sounds like a word of the index, but is not one,
    replaced by it (苦口婆新 → 苦口婆心); None when no word has such a twin. One query."""
    if query.match_any or query.is_empty:
        return None
    twins = homophones(query.words)
    if not twins:
        return None
    words = [twins.get(word, word) for word in query.words]
    return query_from_words(text=" ".join(words), words=words)


def search_resolve(*, query: ParsedQuery, user: AnyUser = None, **filters: Any) -> Resolved:
    """Count the query's matches; when there are none, try its homophone correction (a
    typo of the input method), then its parts (a query each, only on the way to nothing)."""
    total, more = search_count(query=query, user=user, **filters)
    if total:
        return Resolved(query, query, total, more)
    if (correction := query_correction(query)) is not None:
        corrected_total, corrected_more = search_count(query=correction, user=user, **filters)
        if corrected_total:
            return Resolved(
                query, correction, corrected_total, corrected_more, correction=correction
            )
    if (fallback := query_fallback(query)) is not None:
        fallback_total, fallback_more = search_count(query=fallback, user=user, **filters)
        if fallback_total:
            return Resolved(query, fallback, fallback_total, fallback_more, fallback)
    return Resolved(query, query, total, more)


@dataclass(frozen=True)
class Suggestion:
    """A tag or principle name close to a query that found nothing (你是不是要找…)."""

    name: str
    url: str
    kind: str
    ratio: float


def search_suggest(
    query: ParsedQuery, *, principles: list[Principle], limit: int = SUGGESTIONS_MAX
) -> list[Suggestion]:
    """Public tag names and principle halves that share characters with the query, closest
    first. One query (the tags); ``principles`` are the published ones the page lists anyway."""
    text = "".join(query.words).lower()
    if not text:
        return []
    candidates: list[tuple[str, str, str]] = [
        (name, principle.get_absolute_url(), str(SearchDocument.Kind.PRINCIPLE.label))
        for principle in principles
        for name in (principle.baseline, principle.emphasis)
    ]
    tags = SearchDocument.objects.filter(kind=SearchDocument.Kind.TAG, is_public=True)
    candidates += [
        (title, url, str(SearchDocument.Kind.TAG.label))
        for title, url in tags.order_by("title").values_list("title", "url")[:SUGGESTION_TAGS_READ]
    ]
    characters = {c for c in text if WORD.match(c)}
    best: dict[str, Suggestion] = {}
    for name, url, kind in candidates:
        if not characters & set(name.lower()):
            continue
        ratio = SequenceMatcher(None, text, name.lower()).ratio()
        if ratio >= SUGGESTION_MIN_RATIO and (name not in best or best[name].ratio < ratio):
            best[name] = Suggestion(name=name, url=url, kind=kind, ratio=ratio)
    return sorted(best.values(), key=lambda s: (-s.ratio, s.name))[:limit]
