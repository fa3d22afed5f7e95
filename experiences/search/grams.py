"""Character bigrams of Chinese text: recall for words jieba cuts differently in the text.

jieba cuts 摆正身段子 into 摆正 / 身 / 段子, so a word-level index cannot find 身段
there. Every run of two or more Chinese characters also yields its bigrams
(摆正, 正身, 身段, 段子); a query word of two or more Chinese characters that
occurs verbatim in a text has all its bigrams in that text, so asking for all of
them never misses it. Only bigrams that are not already jieba words of the
document are stored (a two-character word and its bigram are the same term), and
a document's bigrams are distinct, so their number is bounded by the text length
(at most ``BODY_MAX_LENGTH`` for a reflection).

Punctuation inside a phrase does not cut it: 讲实话、做实事 also yields 话做, so
the query 讲实话做实事 (or 心往一处想劲往一处使, which jieba cuts into words the
text does not have) finds it through its bigrams. Queries and indexed text are
joined by the same rule (:func:`phrase_joined`); only the marks that end a
sentence, and line breaks, still separate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import add

# CJK unified ideographs, extension A and the compatibility block.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]{{2,}}")
# Marks between two Chinese characters that do not end a sentence: 、，：“”《》（）…
# (anything but a letter, digit, space or 。！？ and their ASCII twins).
_INSIDE_PHRASE = re.compile(f"(?<=[{HAN}])[^\\w\\s\u3002\uff01\uff1f!?.\u2026]+(?=[{HAN}])")


def phrase_joined(text: str) -> str:
    """``text`` without the punctuation inside its phrases (讲实话、做实事 → 讲实话做实事)."""
    return _INSIDE_PHRASE.sub("", text)


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of the runs of Chinese characters in ``text``, in order,
    punctuation inside a phrase left out."""
    grams: list[str] = []
    for run in HAN_RUN.findall(phrase_joined(text)):
        grams.extend(map(add, run, run[1:]))
    return list(dict.fromkeys(grams))


def grams_for_index(texts: Iterable[str], *, words: Iterable[str]) -> str:
    """Space-separated bigrams of ``texts`` that are not among the document's ``words``."""
    known = set(words)
    return " ".join(gram for gram in bigrams("\n".join(texts)) if gram not in known)
