"""Undoing line-wrap damage in a received essay, and recording every repair.

Text copied from a phone or a web page arrives with lines broken inside words
(去服。/务), inside sentences (治/理), or with a closing quote pushed to the next
line. Each repair is kept so an editor can review it.
"""

import re
from dataclasses import dataclass

from experiences.core.segmentation import segmenter
from experiences.essays.headings import line_heading
from experiences.essays.patterns import (
    CLOSING_QUOTES,
    COLONS,
    COMMAS,
    EXCLAMATIONS,
    HEADING,
    ORDINAL,
    PARENTHESES_CLOSE,
    QUESTIONS,
    RELATED_MARKER,
    SEMICOLONS,
    SENTENCE_ENDS,
    TITLE_MAX,
)


@dataclass
class ParsedRepair:
    before: str
    after: str
    description: str


def _segment(text: str) -> list[str]:
    jieba = segmenter()
    # Dictionary words only: HMM guesses would invent words across any break.
    return jieba.lcut(text, HMM=False)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _breaks_a_word(before: str, after: str) -> bool:
    """True when a paragraph break cuts a word in two (去服。/务;, 人。/民武装).

    The last character of ``before`` must be a lone character that forms a
    dictionary word with the start of ``after``, and the start of ``after``
    must be unable to stand alone: either more than one character of that
    word, or a single character followed by punctuation. A real paragraph
    break (……字上。/千忙万忙) does not pass, although 上千 is a word.
    """
    head, tail = before[-6:], after[:8]
    if not head or not tail or not _is_cjk(head[-1]) or not _is_cjk(tail[0]):
        return False
    if len(_segment(head)[-1]) != 1:
        return False
    offset = 0
    for word in _segment(head + tail):
        end = offset + len(word)
        if offset < len(head) < end:
            carried = end - len(head)
            following = (head + tail)[end : end + 1]
            return carried >= 2 or (following != "" and not _is_cjk(following))
        offset = end
    return False


def title_like(line: str) -> bool:
    """A short line with no sentence punctuation inside: a title, a marker, a byline."""
    return len(line) <= TITLE_MAX and not any(
        char in line for char in SENTENCE_ENDS + COMMAS + SEMICOLONS
    )


def _wrapped_inside_a_sentence(previous: str, line: str) -> bool:
    """True when ``line`` continues ``previous``: a phone copy broke the line mid-sentence.

    The previous line ends on a character (not on 。\uff01\uff1f…” or other closing marks),
    is not a short title-like line, and the next line neither opens with an
    ordinal or a heading nor is itself a marker.
    """
    if not previous or not line or title_like(previous):
        return False
    if line_heading(previous) or line_heading(line):
        return False  # a heading stands alone on its line, however it ends
    if not _is_cjk(previous[-1]) and previous[-1] not in COMMAS + "、":
        return False
    if not _is_cjk(line[0]):
        return False
    return not (re.match(ORDINAL, line) or HEADING.match(line) or RELATED_MARKER.search(line))


def lines_repair(lines: list[str]) -> tuple[list[str], list[ParsedRepair]]:
    """Undo line-wrap damage between consecutive lines, recording each repair."""
    repaired: list[str] = []
    repairs: list[ParsedRepair] = []
    stray_marks = re.compile(
        rf"^[{CLOSING_QUOTES}{PARENTHESES_CLOSE}{COMMAS}。{SEMICOLONS}、{COLONS}"
        rf"{EXCLAMATIONS}{QUESTIONS}》]+"
    )
    for line in lines:
        if not repaired:
            repaired.append(line)
            continue
        previous = repaired[-1]
        stray = stray_marks.match(line)
        if stray and line[0] in CLOSING_QUOTES and _has_open_quote(previous):
            moved = stray.group(0)
            rest = line[len(moved) :].strip()
            repairs.append(
                ParsedRepair(
                    before=f"{previous[-12:]}\n{line[:12]}",
                    after=f"{previous[-12:]}{moved}\n{rest[:12]}",
                    description="闭合引号被挤到下一段开头\uff0c已移回上一段末尾",
                )
            )
            repaired[-1] = previous + moved
            if rest:
                repaired.append(rest)
            continue
        if (
            previous.endswith("。")
            and not line_heading(previous)
            and _breaks_a_word(previous[:-1], line)
        ):
            joined = previous[:-1] + line
            repairs.append(
                ParsedRepair(
                    before=f"{previous[-12:]}\n{line[:12]}",
                    after=f"{previous[-12:-1]}{line[:12]}",
                    description="断行把一个词拆成两段并多出句号\uff0c已合并",
                )
            )
            repaired[-1] = joined
            continue
        if _wrapped_inside_a_sentence(previous, line):
            repairs.append(
                ParsedRepair(
                    before=f"{previous[-12:]}\n{line[:12]}",
                    after=f"{previous[-12:]}{line[:12]}",
                    description="一句话被断行分成了两段\uff0c已合并",
                )
            )
            repaired[-1] = previous + line
            continue
        repaired.append(line)
    return repaired, repairs


def _has_open_quote(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "“「『‘":
            depth += 1
        elif char in "”」』’" and depth:
            depth -= 1
    return depth > 0
