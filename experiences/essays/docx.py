"""Word and WPS documents (.docx) as the text the importer reads.

Editors receive essays as Word files more often than as text. A .docx becomes
the same plain text a pasted essay is, so it goes through the same parser and
the admin's text box shows it, ready for corrections:

* one line per paragraph; the Title style (or a first heading) is the title;
* a heading (a Heading/标题 style) or a paragraph with Word's automatic
  numbering gets its number written out (一、 （一） 1.), since Word keeps the
  number out of the text: the parser then sees a numbered heading alone on its
  line;
* bold runs become the site's emphasis, ``**…**`` (a heading's own bold is
  left out: a heading is emphasis already);
* images and comments are skipped, each with a notice for the preview.

A .doc or .wps (the old binary formats) cannot be read: :func:`essay_upload_text`
asks for .docx in Chinese.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

from experiences.essays.headings import line_heading
from experiences.essays.parser import EssayImportError, essay_text_decode
from experiences.essays.patterns import LINE_ORDINAL

CHINESE_NUMBERS = "一二三四五六七八九十"
OLD_FORMATS = (".doc", ".wps", ".wpt", ".dot")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(?P<level>\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}


@dataclass
class DocxText:
    text: str
    notices: list[str] = field(default_factory=list)


def _chinese_number(number: int) -> str:
    if number <= 10:
        return CHINESE_NUMBERS[number - 1]
    if number < 20:
        return "十" + CHINESE_NUMBERS[number - 11]
    tens, units = divmod(number, 10)
    return CHINESE_NUMBERS[tens - 1] + "十" + (CHINESE_NUMBERS[units - 1] if units else "")


def _ordinal(level: int, number: int) -> str:
    """How the genre writes the number Word shows: 一、 then （一） then 1."""
    if level == 0:
        return f"{_chinese_number(number)}、"
    if level == 1:
        return f"\uff08{_chinese_number(number)}\uff09"
    return f"{number}."


def _numbering_level(paragraph: Paragraph) -> int | None:
    """The list level of Word's automatic numbering on this paragraph or its style, if any."""
    elements = [paragraph._p]
    style = paragraph.style
    while style is not None:
        elements.append(style.element)
        style = style.base_style
    for element in elements:
        ppr = element.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            continue
        num_id = numpr.find(qn("w:numId"))
        if num_id is not None and num_id.get(qn("w:val")) == "0":
            return None  # numbering explicitly switched off
        ilvl = numpr.find(qn("w:ilvl"))
        return int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
    return None


def _heading_level(paragraph: Paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    match = _HEADING_STYLE.match(name.strip())
    return int(match["level"]) - 1 if match else None


def _is_title(paragraph: Paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.strip().casefold() in _TITLE_STYLES


def _runs_text(paragraph: Paragraph, *, emphasis: bool) -> str:
    """The paragraph's text with bold runs as ``**…**`` (adjacent bold runs joined)."""
    parts: list[tuple[bool, str]] = []
    for run in paragraph.runs:
        text = run.text
        if not text:
            continue
        bold = bool(emphasis and run.bold)
        if parts and parts[-1][0] == bold:
            parts[-1] = (bold, parts[-1][1] + text)
        else:
            parts.append((bold, text))
    if not parts:
        return paragraph.text
    return "".join(f"**{text.strip()}**" if bold and text.strip() else text for bold, text in parts)


def essay_docx_read(data: bytes) -> DocxText:
    """The text of a .docx essay, and notices of what was skipped (images, comments)."""
    try:
        document = Document(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        PackageNotFoundError,
        XMLSyntaxError,
    ) as error:
        raise EssayImportError(
            "无法读取这个 Word 文档\uff1a文件可能已损坏。"
            "请在 Word 或 WPS 里打开后另存为 .docx 再导入。",
            code="docx",
        ) from error
    lines: list[str] = []
    images = comments = 0
    counters: dict[int, int] = {}
    title_taken = False
    for paragraph in document.paragraphs:
        element = paragraph._p
        images += len(element.findall(".//" + qn("w:drawing")))
        images += len(element.findall(".//" + qn("w:pict")))
        comments += len(element.findall(".//" + qn("w:commentReference")))
        plain = paragraph.text.strip()
        if not plain:
            continue
        if (
            not title_taken
            and not lines
            and (_is_title(paragraph) or _heading_level(paragraph) == 0)
        ):
            lines.append(plain)
            title_taken = True
            continue
        level = _numbering_level(paragraph)
        heading_level = _heading_level(paragraph)
        if level is None and heading_level is not None:
            level = heading_level
        if level is not None and not LINE_ORDINAL.match(plain):
            counters[level] = counters.get(level, 0) + 1
            for deeper in [key for key in counters if key > level]:
                del counters[deeper]
            plain = _ordinal(level, counters[level]) + plain
            lines.append(plain)
            continue
        if heading_level is not None or line_heading(plain):
            lines.append(plain)  # a heading's bold is not emphasis
            continue
        lines.append(_runs_text(paragraph, emphasis=True).strip())
    notices: list[str] = []
    if images:
        notices.append(f"跳过了 {images} 张图片\uff1a文章只导入文字。")
    if comments:
        notices.append(f"跳过了 {comments} 条批注\uff1a批注不属于正文。")
    return DocxText(text="\n".join(lines) + "\n", notices=notices)


def essay_upload_text(name: str, data: bytes) -> DocxText:
    """The text of an uploaded or named file, by its kind: .docx read as Word, the old
    .doc/.wps refused with what to do, anything else decoded as text."""
    lowered = name.lower()
    if lowered.endswith(OLD_FORMATS):
        raise EssayImportError(
            "暂不支持 .doc 或 .wps 格式\uff1a请在 Word 或 WPS 里打开这个文件"
            "\uff0c“另存为” Word 文档\uff08.docx\uff09后再导入。",
            code="old_format",
        )
    if lowered.endswith(".docx"):
        return essay_docx_read(data)
    return DocxText(text=essay_text_decode(data))
