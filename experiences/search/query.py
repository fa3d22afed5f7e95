"""Chinese full-text search that finds every word that is there: queries, ranking, snippets.

Indexing (search/indexing.py): every principle, published-or-own reflection,
tag and related reading gets a :class:`SearchDocument` whose text jieba has cut
in search mode, so 更要坚定原则 is stored as 更要 / 坚定 / 原则 / 坚定原则 and a
search for 原则 finds it, beside the character bigrams of its Chinese text.

Matching: every typed word must match, either through its jieba words or, when
jieba cut the text differently (身段 in 摆正身段子, cut 身 / 段子), through its
bigrams: a word that occurs verbatim has all its bigrams there, so recall does
not depend on how jieba happened to cut a sentence. PostgreSQL answers with a
GIN-indexed tsvector over all those terms (migrations 0002 and 0010), SQLite
matches the same terms directly: the same documents on both.

Ranking: only the first ``RANKING_POOL`` matches (by kind and recency) are
scored, because scoring every match of a common word reads every one of them.
Whole-word matches come before substring-only matches; then a score that weighs
where the words stand (title, heading, body), how often the body repeats them
(capped) and the kind (principles, then tags and reflections, then related
reading, which only points elsewhere); then recency. It is one SQL expression
over the term columns, the same on both databases, so both give the same order.

What the page does when nothing matches is in search/fallback.py; snippets and <mark>
highlighting of the results are in search/snippets.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL

from experiences.core.segmentation import WORD, words_cut, words_only
from experiences.moderation.services import user_can_moderate
from experiences.search.expansion import pinyin_key, pinyin_words, simplified, synonym_table
from experiences.search.grams import HAN_RUN, bigrams
from experiences.search.models import SearchDocument, SearchWord

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser | None

QUERY_MAX_LENGTH = 200
MAX_WORDS = 8
RANKING_POOL = 200
COUNT_CAP = 1000

# Ranking weights (see the module docstring). A word in the title counts most,
# in a heading less, each mention in the body once, up to BODY_MENTIONS_CAP, so a
# long text that keeps returning to a word outranks a short one that names it
# once; the kind adds its own weight.
TITLE_WEIGHT = 6
HEADING_WEIGHT = 3
BODY_MENTIONS_CAP = 10
# A principle that mentions a word once outranks a related-reading entry that
# names it in its title and twice in its excerpt (干部): principles are what the
# site is about, related reading only points elsewhere.
KIND_WEIGHTS = {
    SearchDocument.Kind.PRINCIPLE: 10,
    SearchDocument.Kind.TAG: 6,
    SearchDocument.Kind.REFLECTION: 4,
    SearchDocument.Kind.REPLY: 2,
    SearchDocument.Kind.RELATED_READING: 0,
}
TERM_COLUMNS = ("title_terms", "heading_terms", "body_terms", "gram_terms")


@dataclass
class QueryWord:
    """One typed word: its jieba ``tokens`` all match, or else its ``grams`` do, or else
    one of its ``alternatives`` (synonyms, the typed traditional form, the words a
    pinyin spells: search/expansion.py) matches.

    ``grams`` are the bigrams of its runs of Chinese characters plus the tokens
    of whatever else it holds (digits, Latin); empty when it has no run of two
    Chinese characters, and then only its tokens can match.
    """

    text: str
    tokens: list[str]
    grams: list[str]
    alternatives: list[QueryWord] = field(default_factory=list)


@dataclass
class ParsedQuery:
    text: str
    words: list[str]
    tokens: list[str] = field(default_factory=list)
    truncated: bool = False
    terms: list[QueryWord] = field(default_factory=list)
    # A fallback to a compound's parts matches any of them, a typed query all.
    match_any: bool = False
    # Words searched besides the typed ones (也搜索了：群众): synonyms, simplified forms,
    # the words a pinyin query spells.
    also: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.tokens


# At most this many alternatives per typed word: each one widens the SQL.
ALTERNATIVES_MAX = 6


def _query_word(word: str) -> QueryWord | None:
    tokens = list(dict.fromkeys(words_only(words_cut(word))))
    if not tokens:
        return None
    grams: list[str] = []
    if HAN_RUN.search(word):
        grams = bigrams(word)
        for rest in HAN_RUN.split(word):
            grams.extend(t for t in words_only(words_cut(rest)) if t not in grams)
    if set(tokens) <= set(grams):
        # 乡村振兴 → 乡村, 振兴: its bigrams ask for more than its words, so they can
        # only match where the words match already; one route, a smaller query.
        grams = []
    return QueryWord(text=word, tokens=tokens, grams=grams)


def _synonym_rewrites(word: str, tokens: list[str]) -> list[tuple[str, str]]:
    """(the word with a synonym in place, that synonym): for the whole word and for each
    of its jieba words (联系乡亲 → 联系群众)."""
    table = synonym_table()
    if not table:
        return []
    rewrites = [(other, other) for other in table.get(word.lower(), ())]
    for token in tokens:
        if token != word.lower() and token in table:
            rewrites += [(word.lower().replace(token, other), other) for other in table[token]]
    return rewrites


def _in_index(synonyms: set[str]) -> set[str]:
    """The synonyms whose Chinese words all occur in public documents (one query): one
    that occurs nowhere would only widen the SQL and the ranking for nothing."""
    tokens_of = {
        synonym: {t for t in words_only(words_cut(synonym)) if HAN_RUN.fullmatch(t)}
        for synonym in synonyms
    }
    needed = set().union(*tokens_of.values())
    present = set(SearchWord.objects.filter(word__in=needed).values_list("word", flat=True))
    return {synonym for synonym, tokens in tokens_of.items() if tokens <= present}


def _terms_of(
    words: list[str], *, typed: list[str] | None = None, spelled: list[str] | None = None
) -> tuple[list[QueryWord], list[str]]:
    """The query words for ``words`` with their alternatives, and the words those add.
    ``typed``: what was typed, when ``words`` are its simplified forms; ``spelled``: the
    index's words a pinyin query spells."""
    base = [(_query_word(word), word, was) for word, was in zip(words, typed or words, strict=True)]
    rewrites = {word: _synonym_rewrites(word, term.tokens) for term, word, _ in base if term}
    synonyms = {synonym for found in rewrites.values() for _, synonym in found}
    kept = _in_index(synonyms) if synonyms else set()
    terms: list[QueryWord] = []
    also: list[str] = []
    for term, word, was in base:
        if term is None:
            continue
        terms.append(term)
        if was != word:
            also.append(word)
        candidates = [(w, w) for w in spelled or []]
        candidates += [(text, synonym) for text, synonym in rewrites[word] if synonym in kept]
        seen = {word}
        for text, shown in candidates:
            if text in seen or len(term.alternatives) >= ALTERNATIVES_MAX:
                continue
            seen.add(text)
            alternative = _query_word(text)
            if alternative is not None:
                term.alternatives.append(alternative)
                also.append(shown)
    return terms, also


def query_parse(raw: str | None) -> ParsedQuery:
    """Typed query → words (split on spaces) → tokens that must all match; each word
    simplified (問題 → 问题) and widened by its synonyms and, typed in pinyin, by the
    words it spells."""
    text = re.sub(r"\s+", " ", (raw or "").replace("\x00", "")).strip()
    truncated = len(text) > QUERY_MAX_LENGTH
    text = text[:QUERY_MAX_LENGTH]
    words = [word for word in text.split(" ") if WORD.search(word)][:MAX_WORDS]
    key = pinyin_key(" ".join(words))
    spelled = pinyin_words(key) if key else []
    if spelled and len(words) > 1:
        # qun zhong: the syllables are one word, spelled apart.
        words = [" ".join(words)]
    terms, also = _terms_of([simplified(w) for w in words], typed=words, spelled=spelled)
    return _query_of(text=text, terms=terms, truncated=truncated, also=also)


def _query_of(
    *,
    text: str,
    terms: list[QueryWord],
    truncated: bool = False,
    match_any: bool = False,
    also: list[str] | None = None,
) -> ParsedQuery:
    every = [t for term in terms for t in (term, *term.alternatives)]
    tokens = list(dict.fromkeys(token for term in every for token in term.tokens))
    return ParsedQuery(
        text=text,
        words=[term.text for term in terms],
        tokens=tokens,
        truncated=truncated,
        terms=terms,
        match_any=match_any,
        also=list(dict.fromkeys(also or [])),
    )


def query_from_words(
    *, text: str, words: list[str], truncated: bool = False, match_any: bool = False
) -> ParsedQuery:
    """A query of ``words`` as they are, each widened by its synonyms (a fallback's parts)."""
    terms, also = _terms_of(words)
    return _query_of(text=text, terms=terms, truncated=truncated, match_any=match_any, also=also)


def _tsquery_lexeme(token: str) -> str:
    # Quoted (so & | ! : in user input are never operators); the whole string
    # travels as a query parameter, never as SQL.
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _routes(term: QueryWord) -> list[str]:
    routes = [" & ".join(map(_tsquery_lexeme, term.tokens))]
    if term.grams:
        routes.append(" & ".join(map(_tsquery_lexeme, term.grams)))
    return routes


def _tsquery(query: ParsedQuery) -> str:
    words = []
    for term in query.terms:
        routes = [route for t in (term, *term.alternatives) for route in _routes(t)]
        words.append("(" + " | ".join(f"({route})" for route in routes) + ")")
    return (" | " if query.match_any else " & ").join(words)


def _has_term(term: str, columns: tuple[str, ...] = TERM_COLUMNS) -> Q:
    padded = f" {term} "
    return reduce(or_, (Q(**{f"{column}__contains": padded}) for column in columns))


def _term_match(term: QueryWord) -> Q:
    """SQLite: the word's tokens, or else its bigrams, each among any of the terms,
    as the PostgreSQL tsvector (one set of all the terms) answers it."""
    match = reduce(and_, (_has_term(token) for token in term.tokens))
    if term.grams:
        match |= reduce(and_, (_has_term(gram) for gram in term.grams))
    for alternative in term.alternatives:
        match |= _term_match(alternative)
    return match


def documents_visible_to(user: AnyUser) -> QuerySet[SearchDocument]:
    """The models' own rules (``Reflection.objects.visible_to``, ``Reply``'s): the public
    documents (a reflection's or reply's while it is published and not hidden by 举报),
    the user's own in any state, and for moderators every reflection and reply."""
    documents = SearchDocument.objects.all()
    if user is None or not user.is_authenticated:
        return documents.filter(is_public=True)
    shown = Q(is_public=True) | Q(owner=user)
    if user_can_moderate(user=user):  # type: ignore[arg-type]
        shown |= Q(kind__in=[SearchDocument.Kind.REFLECTION, SearchDocument.Kind.REPLY])
    return documents.filter(shown)


def search_match(
    *,
    query: ParsedQuery,
    user: AnyUser = None,
    kind: str | None = None,
    tag: str | None = None,
    principle_id: int | None = None,
) -> QuerySet[SearchDocument]:
    """Every document ``user`` may see in which every typed word occurs (any, for a
    fallback): as jieba's words, or verbatim, through its bigrams."""
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
                (_tsquery(query),),
                output_field=BooleanField(),
            )
        )
    matches = [_term_match(term) for term in query.terms]
    return documents.filter(reduce(or_ if query.match_any else and_, matches))


def _ranking_sql(tokens: list[str]) -> tuple[tuple[str, list[str]], tuple[str, list[str]]]:
    """SQL and parameters for the two ranking keys over the term columns (see the module
    docstring): how many tokens stand as whole words, and the weighted score.

    Written out rather than composed from ORM expressions (4 ms to compile per page),
    and reading the out-of-line ``body_terms`` once per token: the whole-word test in
    the body is "taking the word out shortens it", and byte lengths of an uncompressed
    out-of-line value need no fetch on PostgreSQL. The same SQL on both databases but
    for the spelling of three functions."""
    postgresql = connection.vendor == "postgresql"
    position = "strpos" if postgresql else "instr"
    smaller = "least" if postgresql else "min"
    whole_parts: list[str] = []
    score_parts: list[str] = []
    whole_params: list[str] = []
    score_params: list[str] = []
    for token in tokens:
        padded = f" {token} "
        width = len(padded.encode()) - 1
        if postgresql:
            removed = "(octet_length(body_terms) - octet_length(replace(body_terms, %s, ' ')))"
        else:
            removed = (
                "(length(CAST(body_terms AS BLOB))"
                " - length(CAST(replace(body_terms, %s, ' ') AS BLOB)))"
            )
        whole_parts.append(
            f"{smaller}((CASE WHEN {position}(title_terms, %s) > 0"
            f" OR {position}(heading_terms, %s) > 0 THEN 1 ELSE 0 END) + {removed}, 1)"
        )
        whole_params += [padded] * 3
        score_parts.append(
            f"(CASE WHEN {position}(title_terms, %s) > 0 THEN {TITLE_WEIGHT} ELSE 0 END)"
            f" + (CASE WHEN {position}(heading_terms, %s) > 0 THEN {HEADING_WEIGHT} ELSE 0 END)"
            f" + {smaller}({removed} / {width}, {BODY_MENTIONS_CAP})"
        )
        score_params += [padded] * 3
    kinds = " ".join(f"WHEN %s THEN {weight}" for weight in KIND_WEIGHTS.values())
    score_parts.append(f"(CASE kind {kinds} ELSE 0 END)")
    score_params += [str(kind) for kind in KIND_WEIGHTS]
    return (" + ".join(whole_parts) or "0", whole_params), (" + ".join(score_parts), score_params)


def search_run(
    *, query: ParsedQuery, user: AnyUser = None, **filters: Any
) -> QuerySet[SearchDocument]:
    """Matching documents, best first (see the module docstring for the order)."""
    matches = search_match(query=query, user=user, **filters)
    pool = matches.order_by("-priority", "-updated_at", "-pk").values("pk")[:RANKING_POOL]
    (whole, whole_params), (score, score_params) = _ranking_sql(query.tokens)
    return (
        SearchDocument.objects.filter(pk__in=pool)
        .annotate(
            whole_words=RawSQL(whole, whole_params, output_field=IntegerField()),
            score=RawSQL(score, score_params, output_field=IntegerField()),
        )
        .order_by("-whole_words", "-score", "-priority", "-updated_at", "-pk")
    )


def search_count(*, query: ParsedQuery, user: AnyUser = None, **filters: Any) -> tuple[int, bool]:
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
