"""Headings alone on their line, in all the genre's usual shapes.

Shared by the parser (a line that is a heading opens a principle) and the
line-break repair (a heading is never glued to the paragraph after it).
Full-width punctuation is spelled as escapes (see ``patterns.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from experiences.essays.patterns import (
    CJK,
    CLOSING_QUOTES,
    COMMAS,
    COMPARISONS,
    CONTRASTS,
    LINE_CONNECTIVES,
    LINE_HEADING_END,
    LINE_HEADING_MAX,
    LINE_OPENERS,
    LINE_ORDINAL,
    OPENING_QUOTES,
    QUOTE_PAIRS,
    SEMICOLONS,
)


@dataclass
class LineHeading:
    """A heading alone on its line: the halves, the words around them, numbered or not."""

    opener: str
    baseline: str
    connective: str
    emphasis: str
    numbered: bool


_QUOTED = rf"[{OPENING_QUOTES}][^{OPENING_QUOTES}{CLOSING_QUOTES}\n]{{1,20}}[{CLOSING_QUOTES}]"
_PLAIN = rf"[{CJK}]{{1,14}}?"
_SEP = rf"\s*[{COMMAS}、{SEMICOLONS}]?\s*"
_LEAD = rf"(?P<lead>[{CJK}]{{0,16}}?)"


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_LINE_SHAPES = (
    # 既要“X”\uff0c更要“Y” / 不仅要X\uff0c更要Y / 要X不要Y
    re.compile(
        rf"^{_LEAD}(?P<opener>{_alternation(LINE_OPENERS)})\s*(?P<a>{_QUOTED}|{_PLAIN})"
        rf"{_SEP}(?P<connective>{_alternation(LINE_CONNECTIVES)})\s*(?P<b>{_QUOTED}|[{CJK}]{{1,14}})$"
    ),
    # 多“走心”\uff0c少“走秀” / 重实效轻留痕 / 宁可X\uff0c不可Y
    re.compile(
        rf"^{_LEAD}(?P<opener>(?:{_alternation(CONTRASTS)})(?:一些|一点|些|点)?)\s*"
        rf"(?P<a>{_QUOTED}|{_PLAIN}){_SEP}"
        rf"(?P<connective>(?:{_alternation(CONTRASTS.values())})(?:一些|一点|些|点)?)\s*"
        rf"(?P<b>{_QUOTED}|[{CJK}]{{1,14}})$"
    ),
    # “留痕”不如“留心”
    re.compile(
        rf"^(?P<lead>)(?P<opener>)(?P<a>{_QUOTED}){_SEP}"
        rf"(?P<connective>{_alternation(COMPARISONS)})\s*(?P<b>{_QUOTED})$"
    ),
)


def _contrast_ok(opener: str, connective: str) -> bool:
    """多 goes with 少, 重 with 轻, 宁 with 不…: a 多…多… line is not a contrast."""
    if opener not in CONTRASTS and opener.rstrip("一些点") not in CONTRASTS:
        return True
    base = opener if opener in CONTRASTS else opener.rstrip("一些点")
    return connective.rstrip("一些点") == CONTRASTS[base]


def _unquote(half: str) -> tuple[str, bool]:
    if half[0] in OPENING_QUOTES and half[-1] in CLOSING_QUOTES:
        if QUOTE_PAIRS.get(half[0]) != half[-1]:
            return "", True
        return half[1:-1].strip(), True
    return half, False


def line_heading(line: str) -> LineHeading | None:
    """The heading ``line`` is, alone on its line, in any of the genre's usual shapes.

    Numbered in any common Chinese style (一、 \uff08一\uff09 1. ① 第一\uff0c 一是 其一) or
    not at all; halves quoted or not; joined by a connective (更要, 也要, 还要,
    又要, 不要…) or stated as a contrast without one (多…少…, “X”不如“Y”). An
    unnumbered heading with unquoted halves has no lead, so a one-sentence
    paragraph such as 我们既要看到成绩\uff0c也要看到不足 stays a paragraph.
    """
    line = line.strip()
    if not line or len(line) > LINE_HEADING_MAX:
        return None
    ordinal = LINE_ORDINAL.match(line)
    core = line[ordinal.end() :] if ordinal else line
    core = re.sub(rf"{LINE_HEADING_END}+$", "", core).strip()
    for shape in _LINE_SHAPES:
        match = shape.match(core)
        if match is None:
            continue
        baseline, a_quoted = _unquote(match["a"])
        emphasis, b_quoted = _unquote(match["b"])
        if not baseline or not emphasis or a_quoted != b_quoted:
            continue
        if not _contrast_ok(match["opener"], match["connective"]):
            continue
        if not ordinal and not a_quoted and match["lead"]:
            continue
        if shape is not _LINE_SHAPES[0] and not (ordinal or a_quoted):
            continue  # an unnumbered, unquoted 多X少Y is too common a sentence
        return LineHeading(
            opener=match["opener"],
            baseline=baseline,
            connective=match["connective"],
            emphasis=emphasis,
            numbered=bool(ordinal),
        )
    return None
