"""Cutting Chinese text into words with jieba: the same for the index, queries and the importer."""

import logging
import re
from collections.abc import Iterable
from types import ModuleType

WORD = re.compile(r"\w", re.UNICODE)


def segmenter() -> ModuleType:
    """jieba, quiet; its dictionary loads once per process (jieba caches it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    module: ModuleType = jieba  # untyped: its functions are Any
    return module


def segmenter_warm() -> None:
    """Load the dictionary now (at process start) rather than in the first request."""
    segmenter().initialize()


def words_only(tokens: Iterable[str]) -> list[str]:
    return [token.lower() for token in tokens if token.strip() and WORD.search(token)]


def terms_for_index(text: str) -> str:
    """Search-mode words of ``text``, space-separated: long words also yield their parts."""
    return " ".join(words_only(segmenter().cut_for_search(text)))
