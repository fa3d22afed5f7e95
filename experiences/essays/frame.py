"""What stands around an essay's principles: its notes, closing, related reading and title.

The parser finds the principles; this module settles the rest of the text
around them, each by what the genre offers: editors' notes and notes about
the author kept aside, the last principle's paragraphs split from the essay's
closing, the related-reading list read into titles and excerpts (and the
essay's own entry in it recognised), and a stand-in title for a text with none.
All pure: lists of lines in, lists out.

Full-width punctuation is spelled as escapes (see ``patterns.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from experiences.essays.furniture import NOTE_LABELS, note_kind, note_marker_alone
from experiences.essays.patterns import CJK, CONCLUSION_MARKERS, TITLE_MAX
from experiences.essays.repairs import ParsedRepair


@dataclass
class ParsedRelatedReading:
    title: str
    excerpt: str


def notes_take(lines: list[str]) -> tuple[list[str], list[str]]:
    """Editors' notes and notes about the author, taken out of the body.

    编者按\uff1a… or \uff08作者系……\uff09 on one line; 编者按 or 作者简介 alone on its line
    takes the line after it. Each note is kept as its label and text.
    """
    kept: list[str] = []
    notes: list[str] = []
    carry: str | None = None
    for line in lines:
        if carry is not None:
            notes.append(f"{carry}\uff1a{line}")
            carry = None
            continue
        kind = note_kind(line)
        if kind is None:
            kept.append(line)
        elif note_marker_alone(line):
            carry = NOTE_LABELS[kind]
        else:
            notes.append(line)
    return kept, notes


def _normalized(text: str) -> str:
    return re.sub(rf"[^{CJK}0-9A-Za-z]", "", text)


def related_parse(
    lines: list[str], repairs: list[ParsedRepair], unplaced: list[str]
) -> list[ParsedRelatedReading]:
    """The related-reading list: short lines are titles, long or trailing-off lines the
    excerpt of the title before them; an excerpt with no title to go to is unplaced."""
    entries: list[ParsedRelatedReading] = []
    for line in lines:
        looks_like_excerpt = len(line) > TITLE_MAX or line.endswith(("...", "…"))
        if looks_like_excerpt:
            if entries and not entries[-1].excerpt:
                entries[-1].excerpt = line
            else:
                unplaced.append(line)
            continue
        title = line
        if title.endswith("*"):
            title = title.rstrip("*").strip()
            repairs.append(
                ParsedRepair(before=line, after=title, description="去掉延伸阅读标题末尾的标记符号")
            )
        entries.append(ParsedRelatedReading(title=title, excerpt=""))
    return entries


def related_own_take(
    related: list[ParsedRelatedReading], opening: list[str]
) -> list[ParsedRelatedReading]:
    """Take out of ``related`` the entries that are this essay itself (their excerpt
    begins as the opening does) and return them: their title is the essay's."""
    opening_key = _normalized("".join(opening))[:20]
    own_entries = [
        entry
        for entry in related
        if opening_key and _normalized(entry.excerpt).startswith(opening_key)
    ]
    for entry in own_entries:
        related.remove(entry)
    return own_entries


def _sums_up(paragraph: str, pairs: list[tuple[str, str]]) -> bool:
    """A paragraph that names the halves of two or more principles looks back on them all."""
    named = sum(1 for pair in pairs if any(half in paragraph for half in pair))
    return named >= 2


def closing_split(
    paragraphs: list[str], pairs: list[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Split the last principle's paragraphs into its own and the essay's closing.

    What the text offers, in order: a paragraph opening with a concluding word
    (总之, 回首, 以上…); a paragraph that looks back on several principles; else,
    with three or more paragraphs, the last one. The admin's preview shows the
    split, and the editor can move paragraphs between the principle and 结语.
    """
    for index, paragraph in enumerate(paragraphs[1:], start=1):
        if paragraph.startswith(CONCLUSION_MARKERS):
            return paragraphs[:index], paragraphs[index:]
    if len(pairs) >= 2:
        for index, paragraph in enumerate(paragraphs[1:], start=1):
            if _sums_up(paragraph, pairs):
                return paragraphs[:index], paragraphs[index:]
    if len(paragraphs) >= 3:
        return paragraphs[:-1], paragraphs[-1:]
    return paragraphs, []


FALLBACK_TITLE_LENGTH = 30
SENTENCE_END = re.compile(r"[\u3002\uff01\uff1f!?\uff1b;]")


def title_from_text(paragraphs: list[str]) -> str:
    """A stand-in title for a text that has none: its first sentence, at most 30
    characters, so an editor is never stopped by a title they will set afterwards."""
    first = next((p.strip() for p in paragraphs if p.strip()), "")
    sentence = SENTENCE_END.split(first, maxsplit=1)[0].strip()
    return sentence[:FALLBACK_TITLE_LENGTH].strip()
