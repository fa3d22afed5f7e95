"""What a query also looks for: synonyms, simplified forms, the words its pinyin spells.

Colleagues type the way they speak: 乡亲 where the text says 群众, 問題 on a
traditional-character input method, qunzhong on a phone keyboard, 苦口婆新 when
the input method picked the wrong 心. Each of these widens or corrects a query at
query time, so nothing is reindexed when the synonym list changes:

- synonyms: the groups editors keep in the admin (同义词), read once per process
  and again after any group changes (a shared version counter, bumped on save);
- traditional characters: OpenCC's t2s converter, loaded once per process;
- pinyin and homophones: the index's own vocabulary (:class:`SearchWord`, the
  words of public documents with their pinyin), one indexed lookup, made only for
  a query of Latin letters or, for typos, on the way to an empty page.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from django.db import transaction

from experiences.core.caching import counter_bump, counter_value
from experiences.search.grams import HAN
from experiences.search.models import SearchDocument, SearchWord, SynonymGroup

SYNONYMS_VERSION_KEY = "search-synonyms-version"
# Words a pinyin query may stand for, at most (qunzhong: 群众, 群中…).
PINYIN_WORDS_MAX = 5
VOCABULARY_WORD_LENGTHS = (2, 8)
_HAN_WORD = re.compile(f"[{HAN}]+")
_LATIN_ONLY = re.compile(r"[a-zA-Z\u00fc\u00dc' ]+")

_synonyms_lock = threading.Lock()
_synonyms: dict[str, Any] = {"version": None, "table": {}}


def synonyms_changed(**kwargs: Any) -> None:
    """A group saved or deleted: every process reads the table again (after commit too,
    so a process that read it in between does not keep the old one)."""
    counter_bump(SYNONYMS_VERSION_KEY)
    transaction.on_commit(lambda: counter_bump(SYNONYMS_VERSION_KEY))


def synonym_table() -> dict[str, tuple[str, ...]]:
    """Each word of a group → the other words of its groups; read once per version."""
    version = counter_value(SYNONYMS_VERSION_KEY)
    if _synonyms["version"] != version:
        table: dict[str, list[str]] = {}
        for words in SynonymGroup.objects.values_list("words", flat=True):
            group = words.split()
            for word in group:
                others = table.setdefault(word, [])
                others.extend(other for other in group if other != word and other not in others)
        with _synonyms_lock:
            _synonyms.update(version=version, table={k: tuple(v) for k, v in table.items()})
    table_now: dict[str, tuple[str, ...]] = _synonyms["table"]
    return table_now


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters (問題 → 问题); unchanged when it has no Chinese."""
    if not _HAN_WORD.search(text):
        return text
    converted: str = _converter().convert(text)
    return converted


@lru_cache(maxsize=50_000)
def word_pinyin(word: str) -> tuple[str, str]:
    """(toneless unspaced pinyin, numbered pinyin): 群众 → (qunzhong, qun2zhong4)."""
    from pypinyin import Style, lazy_pinyin

    tones = "".join(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))
    return re.sub(r"\d", "", tones).replace("\u00fc", "v"), tones.replace("\u00fc", "v")


def pinyin_key(text: str) -> str | None:
    """A query of Latin letters as toneless pinyin (qun zhong → qunzhong); None otherwise."""
    if not _LATIN_ONLY.fullmatch(text):
        return None
    key = re.sub(r"[\s']", "", text.lower()).replace("\u00fc", "v")
    return key if len(key) >= 2 else None


def pinyin_words(key: str) -> list[str]:
    """The index's words spelled ``key`` in toneless pinyin, shortest first (one query)."""
    words = SearchWord.objects.filter(pinyin=key).values_list("word", flat=True)
    return sorted(words[:50], key=lambda word: (len(word), word))[:PINYIN_WORDS_MAX]


def homophones(words: Iterable[str]) -> dict[str, str]:
    """For each Chinese word that may be a typo, the index's word that sounds the same
    (same pinyin and tones) and shares the most characters with it; one query."""
    typed = [word for word in dict.fromkeys(words) if _HAN_WORD.fullmatch(word)]
    typed = [word for word in typed if 2 <= len(word) <= VOCABULARY_WORD_LENGTHS[1]]
    if not typed:
        return {}
    by_tones = {word_pinyin(word)[1]: word for word in typed}
    found: dict[str, tuple[int, str]] = {}
    present: set[str] = set()
    for candidate, tones in SearchWord.objects.filter(tones__in=list(by_tones)).values_list(
        "word", "tones"
    ):
        word = by_tones[tones]
        if candidate == word:
            present.add(word)  # a word of the index is no typo
            continue
        shared = sum(a == b for a, b in zip(candidate, word, strict=False))
        # A typo keeps most of the word: one wrong character in two, two in four.
        if shared * 2 >= len(word) and (word not in found or found[word][0] < shared):
            found[word] = (shared, candidate)
    return {word: candidate for word, (_shared, candidate) in found.items() if word not in present}


def expansion_warm() -> None:
    """Load OpenCC's tables and pypinyin's dictionaries now (process start, before a
    rebuild forks): the first call otherwise takes about a second and a half."""
    simplified("預熱")
    word_pinyin("预热")


def _vocabulary(terms: set[str]) -> set[str]:
    low, high = VOCABULARY_WORD_LENGTHS
    return {term for term in terms if low <= len(term) <= high and _HAN_WORD.fullmatch(term)}


def search_words_add(*, documents: Iterable[SearchDocument], known: set[str] | None = None) -> None:
    """Add the Chinese words of the public ``documents`` to the vocabulary (one query; words
    already there stay). ``known``: terms this caller looked at already (a rebuild),
    skipped and extended."""
    terms: set[str] = set()
    for document in documents:
        if document.is_public:
            terms.update(document.title_terms.split())
            terms.update(document.heading_terms.split())
            terms.update(document.body_terms.split())
    if known is not None:
        terms -= known
        known |= terms
    words = _vocabulary(terms)
    if not words:
        return
    rows = [SearchWord(word=w, pinyin=word_pinyin(w)[0], tones=word_pinyin(w)[1]) for w in words]
    # Sorted: two rebuild workers inserting the same words never wait on each other in turn.
    rows.sort(key=lambda row: row.word)
    SearchWord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
