"""Parse an essay of the 心得体会 genre into principles.

The genre: an opening, then several principles each announced by a heading
sentence of the form 干工作既要“X”,更要“Y”。, each followed by its paragraphs,
then a closing, optionally followed by a related-reading list (查看更多).

The parser is written for the genre, not for one text:

* the heading's halves may be quoted with “” "" 「」 『』 or ‘’, with full-width
  or ASCII punctuation, and 又要/也要/还要 stand in for 既要/更要;
* a heading may open a paragraph or stand in the middle of one, but it must
  start a sentence; a pair that was already announced (a heading restated
  inside its own section) is ordinary text;
* everything after the related-reading marker is related reading, never a
  principle, even where an excerpt mentions a heading;
* damage from line wrapping (a paragraph broken inside a word with a stray
  。, or a closing quote pushed to the next line) is repaired and every
  repair is recorded;
* text that cannot be placed anywhere is reported, never dropped.

:func:`essay_parse` is pure (no database): text in, :class:`ParsedEssay` out.
Storing the result is ``essays/importer.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from experiences.core.segmentation import segmenter

OPENING_QUOTES = '“"「『‘'
CLOSING_QUOTES = '”"」』’'
QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’"}
SENTENCE_ENDS = "。!?!?…."
CJK = r"\u4e00-\u9fff"

RELATED_MARKER = re.compile(r"(查看更多|延伸阅读|相关阅读|相关文章|推荐阅读)\s*[::]?\s*$")


def _half(name: str) -> str:
    """One quoted half of a heading: the quote marks are checked for pairing afterwards."""
    return (
        rf"(?P<{name}_open>[{OPENING_QUOTES}])"
        rf"(?P<{name}>[^{CLOSING_QUOTES}{OPENING_QUOTES}\n]{{1,20}})"
        rf"(?P<{name}_close>[{CLOSING_QUOTES}])"
    )


HEADING = re.compile(
    rf"(?P<lead>[^\s。!?!?;;,,::{OPENING_QUOTES}{CLOSING_QUOTES}]{{0,8}}?)"
    r"(?:既要|又要)\s*" + _half("baseline") + r"\s*[,,、;;]?\s*"
    r"(?:更要|也要|还要|又要)\s*" + _half("emphasis") + r"(?P<end>[。.!!::;;]?)"
)

# Quotations: "X曾言:…", "正如X所说,“…”", "正如“…”" / "俗话说“…”" (a saying).
QUOTATION_SAID = re.compile(
    rf"(?:^|(?<=[。!?!?;;,,:: ]))(?:正如)?(?P<source>[{CJK}·]{{2,8}}?)"
    r"(?:曾经说过|曾言|曾说|说过|所说|指出|有言)[::,,]?\s*"
    rf"(?:[{OPENING_QUOTES}](?P<quoted>[^{CLOSING_QUOTES}]+)[{CLOSING_QUOTES}]|(?P<plain>[^。!?!?]+[。!?!?]))"
)
QUOTATION_SAYING = re.compile(
    rf"(?:正如|俗话说|常言道|古人云|俗语说)[::,,]?\s*[{OPENING_QUOTES}](?P<quoted>[^{CLOSING_QUOTES}]+)[{CLOSING_QUOTES}]"
)
SAYING_SOURCE = "俗语"

AUTHOR_PATTERNS = [
    re.compile(rf"(?:做为|作为|身为)(?P<v>一名[{CJK}]{{1,10}}?干部)"),
    re.compile(rf"(?P<v>工作[{CJK}\d]{{1,4}}年)"),
    re.compile(rf"(?P<v>调过[{CJK}\d]{{1,4}}个[{CJK}]{{0,4}}?乡镇)"),
    re.compile(rf"干过(?P<v>[{CJK}、,,]{{2,80}}?)等工作"),
]

CONCLUSION_MARKERS = ("总之", "总而言之", "综上", "总的来说", "最后,", "最后,", "回首")

TITLE_MAX = 40


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
    paragraphs: list[str] = field(default_factory=list)
    quotations: list[ParsedQuotation] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(f"{self.baseline}-{self.emphasis}", allow_unicode=True) or str(self.position)


@dataclass
class ParsedRelatedReading:
    title: str
    excerpt: str


@dataclass
class ParsedRepair:
    before: str
    after: str
    description: str


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

    @property
    def slug(self) -> str:
        return slugify(self.title, allow_unicode=True)


class EssayImportError(ValueError):
    """The text is not an essay this importer can store (e.g. no title)."""


def _lines_normalize(text: str) -> list[str]:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return [
        line.strip().replace("\u3000", " ").strip() for line in text.split("\n") if line.strip()
    ]


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


def lines_repair(lines: list[str]) -> tuple[list[str], list[ParsedRepair]]:
    """Undo line-wrap damage between consecutive lines, recording each repair."""
    repaired: list[str] = []
    repairs: list[ParsedRepair] = []
    for line in lines:
        if not repaired:
            repaired.append(line)
            continue
        previous = repaired[-1]
        stray = re.match(rf"^[{CLOSING_QUOTES}),。;、:!?)》]+", line)
        if stray and line[0] in CLOSING_QUOTES and _has_open_quote(previous):
            moved = stray.group(0)
            rest = line[len(moved) :].strip()
            repairs.append(
                ParsedRepair(
                    before=f"{previous[-12:]}\n{line[:12]}",
                    after=f"{previous[-12:]}{moved}\n{rest[:12]}",
                    description="闭合引号被挤到下一段开头,已移回上一段末尾",
                )
            )
            repaired[-1] = previous + moved
            if rest:
                repaired.append(rest)
            continue
        if previous.endswith("。") and _breaks_a_word(previous[:-1], line):
            joined = previous[:-1] + line
            repairs.append(
                ParsedRepair(
                    before=f"{previous[-12:]}\n{line[:12]}",
                    after=f"{previous[-12:-1]}{line[:12]}",
                    description="断行把一个词拆成两段并多出句号,已合并",
                )
            )
            repaired[-1] = joined
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


def _author_line(body: str) -> str:
    parts = []
    for pattern in AUTHOR_PATTERNS:
        match = pattern.search(body)
        if match:
            value = match["v"]
            parts.append(f"干过{value}" if pattern is AUTHOR_PATTERNS[-1] else value)
    return ",".join(parts)


def _normalized(text: str) -> str:
    return re.sub(rf"[^{CJK}0-9A-Za-z]", "", text)


def _related_parse(lines: list[str], repairs: list[ParsedRepair], unplaced: list[str]):
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


def _closing_split(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Split the last principle's paragraphs into its own and the essay's closing."""
    for index, paragraph in enumerate(paragraphs[1:], start=1):
        if paragraph.startswith(CONCLUSION_MARKERS):
            return paragraphs[:index], paragraphs[index:]
    if len(paragraphs) >= 3:
        return paragraphs[:-1], paragraphs[-1:]
    return paragraphs, []


def essay_parse(*, text: str, title: str | None = None) -> ParsedEssay:
    """Parse the text of an essay of the genre into its parts. Pure: touches no database."""
    lines = _lines_normalize(text)
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
    if (
        body_lines
        and len(body_lines[0]) <= TITLE_MAX
        and not any(char in body_lines[0] for char in "。!?!?,,")
    ):
        detected_title = body_lines.pop(0)

    opening: list[str] = []
    principles: list[ParsedPrinciple] = []
    known_pairs: set[tuple[str, str]] = set()
    for paragraph in body_lines:
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
                )
            )
            cursor = match.end()
        rest = paragraph[cursor:].strip()
        if rest:
            (principles[-1].paragraphs if principles else opening).append(rest)

    closing: list[str] = []
    if principles:
        principles[-1].paragraphs, closing = _closing_split(principles[-1].paragraphs)
    for principle in principles:
        principle.quotations = quotations_find("".join(principle.paragraphs))

    related = _related_parse(related_lines, repairs, unplaced)
    opening_key = _normalized("".join(opening))[:20]
    own_entries = [
        entry
        for entry in related
        if opening_key and _normalized(entry.excerpt).startswith(opening_key)
    ]
    for entry in own_entries:
        related.remove(entry)
        detected_title = detected_title or entry.title

    final_title = (title or detected_title).strip()
    if not final_title:
        raise EssayImportError(
            "无法确定文章标题:原文第一行不是标题,延伸阅读里也没有本文。请用 --title 指定。"
        )

    return ParsedEssay(
        title=final_title,
        author_line=_author_line("".join(body_lines)),
        opening=opening,
        principles=principles,
        closing=closing,
        related_readings=related,
        repairs=repairs,
        unplaced=unplaced,
        source_text=text,
    )
