"""Parse an essay of the 心得体会 genre into principles.

The genre: a title (and perhaps a byline: 作者\uff1a…, 文/…), an opening, then
several principles each announced by a heading sentence of the form
干工作既要“X”\uff0c更要“Y”。, each followed by its paragraphs, then a closing,
optionally followed by a related-reading list (延伸阅读, 查看更多, 【相关阅读】).

The parser is written for the genre, not for one text (``patterns.py`` holds
the patterns, ``repairs.py`` the line-wrap repairs, ``frame.py`` what stands
around the principles: notes, closing, related reading, a stand-in title):

* punctuation may be full-width or ASCII; the halves may be quoted with “” ""
  「」 『』 or ‘’; 又要 may stand in for 既要, and the second half may be joined
  by 更要, 又要, 也要 or 还要 — the connective is kept as the author wrote it;
* a heading may open a paragraph or stand in the middle of one, after an
  ordinal (一、 \uff08一\uff09 1. 第一\uff0c) or a lead of up to 20 characters, but it
  must start a sentence; a pair already announced is ordinary text;
* everything after the related-reading marker is related reading, never a
  principle, even where an excerpt mentions a heading;
* line-wrap damage (a word or a sentence broken across lines, a closing quote
  pushed to the next line) is repaired and every repair is recorded;
* an empty text, or one with no principle, is refused unless told otherwise;
* text that cannot be placed anywhere is reported, never dropped.

:func:`essay_parse` is pure (no database): text in, :class:`ParsedEssay` out.
Storing the result is ``essays/importer.py``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import slugify

from experiences.core.text import line_clean, text_clean
from experiences.essays.frame import (
    ParsedRelatedReading,
    closing_split,
    notes_take,
    related_own_take,
    related_parse,
    title_from_text,
)
from experiences.essays.furniture import DATE_AFTER_NAME, RemovedLine, furniture_remove
from experiences.essays.headings import line_heading
from experiences.essays.patterns import (
    BYLINE,
    CLOSING_QUOTES,
    HEADING,
    QUOTATION_SAID,
    QUOTATION_SAYING,
    QUOTE_PAIRS,
    RELATED_MARKER,
    SAYING_SOURCE,
    SENTENCE_ENDS,
)
from experiences.essays.repairs import ParsedRepair, lines_repair, title_like


@dataclass
class ParsedQuotation:
    text: str
    source: str


@dataclass
class ParsedPrinciple:
    position: int
    heading: str
    baseline: str
    emphasis: str
    connective: str = "更要"
    opener: str = "既要"
    paragraphs: list[str] = field(default_factory=list)
    quotations: list[ParsedQuotation] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(f"{self.baseline}-{self.emphasis}", allow_unicode=True) or str(self.position)


@dataclass
class ParsedEssay:
    title: str
    author_line: str
    opening: list[str]
    principles: list[ParsedPrinciple]
    closing: list[str]
    related_readings: list[ParsedRelatedReading]
    repairs: list[ParsedRepair]
    unplaced: list[str]
    source_text: str
    # 公众号 furniture left out (shown in the preview as removed, never stored).
    removed: list[RemovedLine] = field(default_factory=list)
    # Editors' notes and notes about the author: kept aside, neither principle nor opening.
    notes: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title, allow_unicode=True)


class EssayImportError(ValueError):
    """The text is not an essay this importer can store.

    ``code`` says why (``empty``, ``no_title``, ``no_principles``, ``encoding``) so
    that each interface can say what to do in its own terms: the command names
    its flags, the admin its fields.
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def essay_text_decode(data: bytes) -> str:
    """The text of an uploaded or read file, whatever encoding a Chinese editor saved it in:
    UTF-16 with its BOM, else UTF-8 (with or without BOM), else GB18030 (a superset of
    GBK and GB2312, what Windows editors save).

    The admin's upload and ``import_essay`` both come through here, so the same
    file imports to the same essay either way.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            return text_normalize(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise EssayImportError(
        "无法识别文件编码\uff1a请另存为 UTF-8 或 GBK 文本后再导入。", code="encoding"
    )


def text_normalize(text: str) -> str:
    """One place for what differs between copies of the same text: line endings, and the
    invisible characters and odd spaces Word and WeChat leave in it (BOM, zero-width
    characters, soft hyphens, no-break spaces), by the rule colleagues' text follows."""
    return text_clean(text)


def _lines_normalize(text: str) -> list[str]:
    return [
        line.strip().replace("\u3000", " ").strip()
        for line in text_normalize(text).split("\n")
        if line.strip()
    ]


def _starts_sentence(text: str, index: int) -> bool:
    position = index - 1
    while position >= 0 and (text[position] in CLOSING_QUOTES or text[position] == " "):
        position -= 1
    return position < 0 or text[position] in SENTENCE_ENDS


def _heading_find(paragraph: str, start: int, known_pairs: set[tuple[str, str]]):
    """The next heading in ``paragraph`` at or after ``start`` that announces a new pair."""
    for match in HEADING.finditer(paragraph, start):
        if QUOTE_PAIRS.get(match["baseline_open"]) != match["baseline_close"]:
            continue
        if QUOTE_PAIRS.get(match["emphasis_open"]) != match["emphasis_close"]:
            continue
        if not _starts_sentence(paragraph, match.start()):
            continue
        pair = (match["baseline"].strip(), match["emphasis"].strip())
        if not all(pair) or pair in known_pairs:
            continue
        return match
    return None


def quotations_find(text: str) -> list[ParsedQuotation]:
    """Quoted sayings with their source: named speakers first, then 俗语, in text order."""
    found: list[tuple[int, ParsedQuotation]] = []
    taken: list[tuple[int, int]] = []
    for match in QUOTATION_SAID.finditer(text):
        quote = (match["quoted"] or match["plain"] or "").strip()
        source = match["source"]
        if not quote or source.endswith(("我", "你", "他", "我们")):
            continue
        found.append((match.start(), ParsedQuotation(text=quote, source=source)))
        taken.append(match.span())
    for match in QUOTATION_SAYING.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append(
            (match.start(), ParsedQuotation(text=match["quoted"].strip(), source=SAYING_SOURCE))
        )
    return [quotation for _, quotation in sorted(found, key=lambda item: item[0])]


def _opener(word: str) -> str:
    """The opening word as shown: 又要 opening a pair reads as 既要 (as it always has);
    every other opener (不仅要, 要, 多…) is kept as written."""
    return "既要" if word == "又要" else word


def essay_parse(
    *,
    text: str,
    title: str | None = None,
    allow_no_principles: bool = False,
    title_fallback: bool = False,
) -> ParsedEssay:
    """Parse the text of an essay of the genre into its parts. Pure: touches no database.

    An empty text is refused; so is a text in which no principle is found,
    unless ``allow_no_principles`` says the essay really has none. A text with no
    title is refused too, unless ``title_fallback`` (the admin, where the editor sees
    the preview and the draft before anyone else) lets its first sentence stand in.
    """
    lines = _lines_normalize(text)
    if not lines:
        raise EssayImportError("原文是空的\uff1a没有可以导入的文字。", code="empty")
    lines, removed = furniture_remove(lines)
    body_lines: list[str] = []
    related_lines: list[str] = []
    for index, line in enumerate(lines):
        marker = RELATED_MARKER.search(line)
        if marker:
            before = line[: marker.start()].strip()
            if before:
                body_lines.append(before)
            related_lines = lines[index + 1 :]
            break
        body_lines.append(line)

    body_lines, repairs = lines_repair(body_lines)
    unplaced: list[str] = []

    detected_title = ""
    if body_lines and title_like(body_lines[0]) and not HEADING.search(body_lines[0]):
        first_heading = line_heading(body_lines[0])
        if not (first_heading and first_heading.numbered):
            detected_title = body_lines.pop(0)
    author_line = ""
    if body_lines:
        byline = BYLINE.match(body_lines[0])
        if byline:
            author_line = DATE_AFTER_NAME.sub("", byline["name"]).strip()
            body_lines.pop(0)
    body_lines, notes = notes_take(body_lines)

    opening: list[str] = []
    principles: list[ParsedPrinciple] = []
    known_pairs: set[tuple[str, str]] = set()
    for paragraph in body_lines:
        alone = line_heading(paragraph)
        if alone and (alone.baseline, alone.emphasis) not in known_pairs:
            known_pairs.add((alone.baseline, alone.emphasis))
            principles.append(
                ParsedPrinciple(
                    position=len(principles) + 1,
                    heading=paragraph,
                    baseline=alone.baseline,
                    emphasis=alone.emphasis,
                    connective=alone.connective,
                    opener=_opener(alone.opener),
                )
            )
            continue
        cursor = 0
        while True:
            match = _heading_find(paragraph, cursor, known_pairs)
            if match is None:
                break
            before = paragraph[cursor : match.start()].strip()
            if before:
                (principles[-1].paragraphs if principles else opening).append(before)
            baseline, emphasis = match["baseline"].strip(), match["emphasis"].strip()
            known_pairs.add((baseline, emphasis))
            principles.append(
                ParsedPrinciple(
                    position=len(principles) + 1,
                    heading=match.group(0).strip(),
                    baseline=baseline,
                    emphasis=emphasis,
                    connective=match["connective"],
                    opener=_opener(match["opener"]),
                )
            )
            cursor = match.end()
        rest = paragraph[cursor:].strip()
        if rest:
            (principles[-1].paragraphs if principles else opening).append(rest)

    closing: list[str] = []
    if principles:
        pairs = [(principle.baseline, principle.emphasis) for principle in principles]
        principles[-1].paragraphs, closing = closing_split(principles[-1].paragraphs, pairs)
    for principle in principles:
        principle.quotations = quotations_find("".join(principle.paragraphs))

    related = related_parse(related_lines, repairs, unplaced)
    for entry in related_own_take(related, opening):
        detected_title = detected_title or entry.title

    final_title = line_clean(title or detected_title)
    if not final_title and title_fallback:
        final_title = title_from_text(opening or [p.heading for p in principles])
        if final_title:
            repairs.append(
                ParsedRepair(
                    before="",
                    after=final_title,
                    description="原文没有标题\uff0c暂取正文第一句作标题\uff08保存后可修改\uff09",
                )
            )
    if not final_title:
        raise EssayImportError(
            "无法确定文章标题\uff1a原文第一行不是标题\uff0c延伸阅读里也没有本文。",
            code="no_title",
        )
    if not principles and not allow_no_principles:
        raise EssayImportError(
            "没有找到任何原则\uff1a原文里没有“既要……更要……”这样的标题句。"
            "请检查标题句的写法\uff1b如果这篇文章确实没有原则\uff0c请明确说明后再导入。",
            code="no_principles",
        )

    return ParsedEssay(
        title=final_title,
        author_line=author_line,
        opening=opening,
        principles=principles,
        closing=closing,
        related_readings=related,
        repairs=repairs,
        unplaced=unplaced,
        source_text=text,
        removed=removed,
        notes=notes,
    )
