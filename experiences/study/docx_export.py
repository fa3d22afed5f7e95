"""The 心得体会汇编 as a Word document (python-docx), opening cleanly in Word and WPS.

Reflection bodies are the authors' Markdown, turned into Word paragraphs,
headings, lists, quotes and bold/italic runs: never raw HTML, so nothing a
colleague typed becomes markup. The 目录 is a Word TOC field (Word and WPS
fill it in when the document is opened and fields are updated) followed by a
plain list, so the contents show even where fields are not updated.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt

from experiences.core.text import xml_clean

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.reflections.models import Reflection
    from experiences.study.models import StudyTopic

FONT = "宋体"
HEADING_FONT = "黑体"
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)


def _east_asian_font(style, name: str) -> None:
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


class _Writer:
    """Appends paragraphs in constant time.

    python-docx's ``add_paragraph`` searches the body for its section
    properties and looks styles up by name on every call: quadratic in a
    汇编 of thousands of reflections. Here the section properties are set
    aside until the end and each style's id is looked up once.
    """

    def __init__(self, document) -> None:
        self.document = document
        self.body = document.element.body
        self.section = self.body.sectPr
        if self.section is not None:
            self.body.remove(self.section)
        self.style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self.body.append(element)
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            element.style = self.style_ids[style]
        paragraph = Paragraph(element, self.document._body)
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, f"Heading {level}")

    def page_break(self) -> None:
        self.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def finish(self) -> None:
        if self.section is not None:
            self.body.append(self.section)


def _toc_field(paragraph) -> None:
    """A TOC field over headings 1-2: Word/WPS fill it in when fields are updated."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # ask the reader to update it on open
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = _("\uff08在 Word 或 WPS 中右键“更新域”即可生成页码目录\uff09")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)


def markdown_to_docx(writer: _Writer, text: str) -> None:
    """Append the Markdown ``text`` as formatted paragraphs."""
    tokens = _PARSER.parse(text)
    lists: list[str] = []
    quote_depth = 0
    heading_level = 0
    for token in tokens:
        kind = token.type
        if kind == "bullet_list_open":
            lists.append("List Bullet")
        elif kind == "ordered_list_open":
            lists.append("List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "heading_open":
            heading_level = min(int(token.tag[1]) + 2, 6)
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("fence", "code_block"):
            run = writer.paragraph().add_run(xml_clean(token.content.rstrip("\n")))
            run.font.name = "Courier New"
        elif kind == "hr":
            writer.paragraph("\u2014" * 10).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "inline":
            if heading_level:
                paragraph = writer.heading("", heading_level)
            elif lists:
                paragraph = writer.paragraph(style=lists[-1])
            elif quote_depth:
                paragraph = writer.paragraph(style="Quote")
            else:
                paragraph = writer.paragraph()
            _inline_runs(paragraph, token.children or [])


def _inline_runs(paragraph, children) -> None:
    bold = italic = strike = False
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "s_open":
            strike = True
        elif kind == "s_close":
            strike = False
        elif kind in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()
        elif kind in ("text", "code_inline"):
            run = paragraph.add_run(xml_clean(child.content))
            # Only what is on: each property written adds XML to search through.
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if strike:
                run.font.strike = True
            if kind == "code_inline":
                run.font.name = "Courier New"


def _unit_label(reflection: Reflection) -> str:
    unit = reflection.author.org_unit
    return unit.name if unit else _("未归入单位")


def study_docx(
    *,
    topic: StudyTopic,
    scope_label: str,
    reflections: Iterable[Reflection],
    unit_paths: dict[str, str],
) -> bytes:
    """The 汇编: cover, 目录, the principles studied, then published reflections by unit.

    ``unit_paths`` maps a unit's tree path to its full name (县 / 乡镇 / 村).
    """
    document = Document()
    _east_asian_font(document.styles["Normal"], FONT)
    document.styles["Normal"].font.size = Pt(12)
    for level in range(1, 7):
        _east_asian_font(document.styles[f"Heading {level}"], HEADING_FONT)
    _east_asian_font(document.styles["Title"], HEADING_FONT)

    document.core_properties.title = xml_clean(topic.title)
    writer = _Writer(document)
    cover = writer.paragraph(style="Title")
    cover.add_run(_("心得体会汇编"))
    cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = writer.paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(xml_clean(topic.title)).bold = True
    for line in (
        _("单位\uff1a%(unit)s") % {"unit": scope_label},
        _("学习时间\uff1a%(start)s 至 %(due)s")
        % {"start": f"{topic.start_date:%Y-%m-%d}", "due": f"{topic.due_date:%Y-%m-%d}"},
        _("编印日期\uff1a%(day)s") % {"day": f"{timezone.localdate():%Y-%m-%d}"},
    ):
        writer.paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    writer.page_break()

    reflections = list(reflections)
    # Published essays only, even for a topic that chose a principle before the rule
    # (or whose essay went back to draft): an unpublished text never leaves the editors.
    principles = list(
        topic.principles.published().select_related("essay").order_by("essay_id", "position")
    )
    groups: dict[str, list[Reflection]] = {}
    for reflection in reflections:
        unit = reflection.author.org_unit
        label = unit_paths.get(unit.path, unit.name) if unit else _("未归入单位")
        groups.setdefault(label, []).append(reflection)

    writer.heading(_("目录"), 1)
    _toc_field(writer.paragraph())
    if principles:
        writer.paragraph(_("学习原则"), "List Bullet")
    for label, items in groups.items():
        writer.paragraph(xml_clean(label), "List Bullet")
        for reflection in items:
            entry = xml_clean(f"{reflection.display_title} \u2014 {reflection.author}")
            writer.paragraph(entry, "List Bullet 2")
    writer.page_break()

    if principles:
        writer.heading(_("学习原则"), 1)
        for principle in principles:
            writer.heading(principle.label, 2)
            for paragraph in principle.paragraphs:
                writer.paragraph(xml_clean(paragraph))
    if topic.description:
        writer.heading(_("专题说明"), 1)
        for line in topic.description.splitlines():
            if line.strip():
                writer.paragraph(xml_clean(line).strip())

    for label, items in groups.items():
        writer.heading(xml_clean(label), 1)
        for reflection in items:
            writer.heading(xml_clean(str(reflection.display_title)), 2)
            published = timezone.localtime(reflection.published_at or reflection.created_at)
            meta = writer.paragraph()
            meta.add_run(
                _("作者\uff1a%(author)s\u3000单位\uff1a%(unit)s\u3000日期\uff1a%(day)s")
                % {
                    "author": xml_clean(str(reflection.author)),
                    "unit": _unit_label(reflection),
                    "day": f"{published:%Y-%m-%d}",
                }
            ).italic = True
            markdown_to_docx(writer, reflection.body)
    if not reflections:
        writer.paragraph(_("暂无已通过的心得。"))
    writer.finish()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
