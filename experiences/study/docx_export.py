"""The 心得体会汇编 as a Word document (python-docx), opening cleanly in Word and WPS.

Reflection bodies are the authors' Markdown, turned into Word paragraphs,
headings, lists, quotes and bold runs: never raw HTML, so nothing a colleague
typed becomes markup. The 目录 is a Word TOC field (Word and WPS fill it in when
the document is opened and fields are updated) followed by a plain list, so the
contents show even where fields are not updated.

It is written to be filed as it comes out: A4 with the margins of GB/T 9704
(37/35/28/26 mm), the document language zh-CN, text punctuated as the site shows
it (core/punctuation.py), and emphasis as the site's 着重号 (dots under the
characters), never slanted italics, which Chinese type does not have.
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
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt

from experiences.core.dates import cn_date
from experiences.core.punctuation import cjk_punctuate
from experiences.core.text import xml_clean

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from experiences.reflections.models import Reflection
    from experiences.study.models import StudyTopic

FONT = "宋体"
HEADING_FONT = "黑体"
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)


# GB/T 9704 (党政机关公文格式): A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {
    "top_margin": Mm(37),
    "bottom_margin": Mm(35),
    "left_margin": Mm(28),
    "right_margin": Mm(26),
}
LANGUAGE = "zh-CN"
META_COLOUR = RGBColor(0x59, 0x59, 0x59)  # the byline in grey, as the site's .meta (not italic)
PROGRESS_EVERY = 200


def _text(value: str) -> str:
    """Text as the site shows it: XML-safe, full-width marks inside Chinese."""
    return cjk_punctuate(xml_clean(value))


def _page_setup(document) -> None:
    for section in document.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for name, value in MARGINS.items():
            setattr(section, name, value)


def _language(document) -> None:
    """zh-CN for the whole document: Word and WPS pick fonts, spelling and line breaking by it."""
    document.core_properties.language = LANGUAGE
    for element in document.styles.element.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia"):
            element.set(qn(attribute), LANGUAGE)
    for element in document.settings.element.iter(qn("w:themeFontLang")):
        for attribute in ("w:val", "w:eastAsia"):
            element.set(qn(attribute), LANGUAGE)


def _no_italics(document) -> None:
    """The template's Quote, Subtitle and some headings are italic: Chinese type has no italic."""
    for style in document.styles:
        font = getattr(style, "font", None)
        if font is not None and font.italic:
            font.italic = False


def _emphasis_dots(run) -> None:
    """着重号: a dot under each character, as the site shows <em>."""
    mark = OxmlElement("w:em")
    mark.set(qn("w:val"), "dot")
    run._r.get_or_add_rPr().append(mark)


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
            paragraph.add_run(_text(text))
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


def _punctuated_texts(children) -> list[str]:
    """Each child's text punctuated in the context of the whole line: a comma after
    emphasised words (``*关键的话*,也是``) sits between Chinese across two runs."""
    breaks = ("softbreak", "hardbreak")
    pieces = [
        child.content
        if child.type in ("text", "code_inline")
        else ("\n" if child.type in breaks else "")
        for child in children
    ]
    line = cjk_punctuate("".join(pieces))  # one character for one: offsets hold
    texts, offset = [], 0
    for child, piece in zip(children, pieces, strict=True):
        texts.append(piece if child.type == "code_inline" else line[offset : offset + len(piece)])
        offset += len(piece)
    return texts


def _inline_runs(paragraph, children) -> None:
    bold = italic = strike = False
    for child, punctuated in zip(children, _punctuated_texts(children), strict=True):
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
            run = paragraph.add_run(xml_clean(punctuated))
            # Only what is on: each property written adds XML to search through.
            if bold:
                run.bold = True
            if italic:
                _emphasis_dots(run)
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
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The 汇编: cover, 目录, 专题说明, the principles studied, then published reflections by unit.

    ``unit_paths`` maps a unit's tree path to its full name (县 / 乡镇 / 村);
    ``progress(done, total)`` is told how far the reflections are, now and then.
    """
    document = Document()
    _page_setup(document)
    _language(document)
    _no_italics(document)
    _east_asian_font(document.styles["Normal"], FONT)
    document.styles["Normal"].font.size = Pt(12)
    for level in range(1, 7):
        _east_asian_font(document.styles[f"Heading {level}"], HEADING_FONT)
    _east_asian_font(document.styles["Title"], HEADING_FONT)

    document.core_properties.title = xml_clean(topic.title)
    reflections = list(reflections)
    # Published essays only, even for a topic that chose a principle before the rule
    # (or whose essay went back to draft): an unpublished text never leaves the editors.
    principles = list(
        topic.principles.published().select_related("essay").order_by("essay_id", "position")
    )
    essays = list(dict.fromkeys(principle.essay.title for principle in principles))

    writer = _Writer(document)
    cover = writer.paragraph(style="Title")
    cover.add_run(_("心得体会汇编"))
    cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = writer.paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(_text(topic.title)).bold = True
    lines = [_("单位\uff1a%(unit)s") % {"unit": scope_label}]
    if essays:
        # The cover names what was studied: the essay the principles come from.
        lines.append(
            _("学习篇目\uff1a%(essays)s")
            % {"essays": "、".join(f"《{title}》" for title in essays)}
        )
    lines += [
        _("学习时间\uff1a%(start)s 至 %(due)s")
        % {"start": cn_date(topic.start_date), "due": cn_date(topic.due_date)},
        _("编印日期\uff1a%(day)s") % {"day": cn_date(timezone.localdate())},
    ]
    for line in lines:
        writer.paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    writer.page_break()

    groups: dict[str, list[Reflection]] = {}
    for reflection in reflections:
        unit = reflection.author.org_unit
        label = unit_paths.get(unit.path, unit.name) if unit else _("未归入单位")
        groups.setdefault(label, []).append(reflection)
    description = [line.strip() for line in topic.description.splitlines() if line.strip()]

    writer.heading(_("目录"), 1)
    _toc_field(writer.paragraph())
    # The plain contents, in the order of the document.
    if description:
        writer.paragraph(_("专题说明"), "List Bullet")
    if principles:
        writer.paragraph(_("学习原则"), "List Bullet")
    for label, items in groups.items():
        writer.paragraph(label, "List Bullet")
        for reflection in items:
            writer.paragraph(
                f"{reflection.display_title} \u2014 {reflection.author}", "List Bullet 2"
            )
    writer.page_break()

    # What the organiser asked for first, then what was studied, then what was written.
    if description:
        writer.heading(_("专题说明"), 1)
        for line in description:
            writer.paragraph(line)
    if principles:
        writer.heading(_("学习原则"), 1)
        for principle in principles:
            writer.heading(principle.label, 2)
            for paragraph in principle.paragraphs:
                writer.paragraph(paragraph)

    done = 0
    for label, items in groups.items():
        writer.heading(label, 1)
        for reflection in items:
            writer.heading(str(reflection.display_title), 2)
            published = reflection.published_at or reflection.created_at
            meta = writer.paragraph()
            meta.add_run(
                _("作者\uff1a%(author)s\u3000单位\uff1a%(unit)s\u3000日期\uff1a%(day)s")
                % {
                    "author": xml_clean(str(reflection.author)),
                    "unit": xml_clean(_unit_label(reflection)),
                    "day": cn_date(published),
                }
            ).font.color.rgb = META_COLOUR
            markdown_to_docx(writer, reflection.body)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(reflections))
    if not reflections:
        writer.paragraph(_("暂无已通过的心得。"))
    writer.finish()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
