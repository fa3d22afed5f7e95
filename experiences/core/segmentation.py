"""Cutting Chinese text into words with jieba: the same for the index, queries and the importer.

rjieba (jieba-rs) cuts runs of Chinese characters about 16 times faster with the
same dictionary and the same words, which is what makes rebuilding a large index
affordable. It is used only for blocks of Chinese characters alone: on mixed
blocks such as COVID-19疫情 it cuts differently, so those stay with jieba, and
the index and queries always see the same words (tests/search/test_segmentation.py
compares both on the seed essay).
"""

import logging
import re
from collections.abc import Iterable
from functools import cache
from types import ModuleType
from typing import Any

WORD = re.compile(r"\w", re.UNICODE)
# jieba's own block pattern (jieba.re_han_default): it cuts each block on its own,
# so cutting block by block gives exactly jieba's words.
_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_HAN_ONLY = re.compile("[\u4e00-\u9fd5]+")


def segmenter() -> ModuleType:
    """jieba, quiet; its dictionary loads once per process (jieba caches it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    module: ModuleType = jieba  # untyped: its functions are Any
    return module


@cache
def _fast() -> Any:
    """rjieba when installed (requirements.txt pins it), else None."""
    try:
        import rjieba
    except ImportError:  # pragma: no cover - the pinned requirements install it
        return None
    return rjieba


def segmenter_warm() -> None:
    """Load the dictionary now (at process start) rather than in the first request."""
    segmenter().initialize()
    if _fast() is not None:
        _fast().cut("预热")


_LATIN_OR_DIGIT = re.compile("[a-zA-Z0-9]")
_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba.re_skip_default


def _cut(text: str, *, search: bool) -> list[str]:
    jieba = segmenter()
    fast = _fast()
    if fast is not None and not _LATIN_OR_DIGIT.search(text):
        # Chinese and punctuation only: rjieba cuts it exactly as jieba does, in one call.
        return list(fast.cut_for_search(text) if search else fast.cut(text))
    tokens: list[str] = []
    for index, block in enumerate(_BLOCK.split(text)):
        if not block:
            continue
        if index % 2 == 0:
            # Between blocks jieba yields each character, whitespace runs whole.
            for piece in _SKIP.split(block):
                tokens.extend([piece] if _SKIP.fullmatch(piece) else piece)
        elif fast is not None and _HAN_ONLY.fullmatch(block):
            tokens.extend(fast.cut_for_search(block) if search else fast.cut(block))
        elif search:
            tokens.extend(jieba.cut_for_search(block))
        else:
            tokens.extend(jieba.lcut(block))
    return tokens


def words_cut(text: str) -> list[str]:
    """Precise-mode words of ``text`` (what a query is cut into)."""
    return _cut(text, search=False)


def words_cut_for_search(text: str) -> list[str]:
    """Search-mode words: long words also yield their parts (三严三实 → 三严, 三实)."""
    return _cut(text, search=True)


def words_only(tokens: Iterable[str]) -> list[str]:
    return [token.lower() for token in tokens if token.strip() and WORD.search(token)]


def terms_for_index(text: str) -> str:
    """Search-mode words of ``text``, space-separated: long words also yield their parts."""
    return " ".join(words_only(words_cut_for_search(text)))
