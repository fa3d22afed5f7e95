"""The 账号通知单 as a Word document: one slip per colleague, to print and cut out.

Each slip is a two-cell table (the account on the left, the link's QR code on
the right) so that a slip never splits across pages; three fit on an A4 page.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from experiences.core.text import xml_clean
from experiences.units.signin import signin_link_expires, signin_link_url

if TYPE_CHECKING:
    from collections.abc import Iterable

    from experiences.units.models import Enrolment

FONT = "宋体"
SLIPS_PER_PAGE = 3


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def slips_docx(*, enrolments: Iterable[Enrolment]) -> bytes:
    """One slip per enrolment: name, unit, username, the one-time link, its QR code, valid until."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(2)
    index = -1
    for index, enrolment in enumerate(enrolments):
        if index and index % SLIPS_PER_PAGE == 0:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif index:
            document.add_paragraph("- " * 40)  # where to cut
        url = signin_link_url(enrolment=enrolment)
        until = timezone.localtime(signin_link_expires(enrolment=enrolment))
        user = enrolment.user
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        text, code = table.rows[0].cells
        text.width, code.width = Cm(12.5), Cm(4.5)
        title = text.paragraphs[0].add_run(_("基层心得知识库 · 账号通知单"))
        title.bold = True
        title.font.size = Pt(13)
        unit = user.org_unit.name if user.org_unit else user.unit
        for label, value in (
            (_("姓名"), enrolment.full_name),
            (_("单位"), unit),
            (_("用户名"), user.username),
            (_("有效期至"), until.strftime("%Y-%m-%d %H:%M")),
        ):
            paragraph = text.add_paragraph()
            paragraph.add_run(f"{label}\uff1a").bold = True
            paragraph.add_run(xml_clean(value))
        text.add_paragraph(_("首次登录\uff1a扫描右侧二维码\uff0c或在浏览器中打开\uff1a"))
        link = text.add_paragraph().add_run(url)
        link.font.size = Pt(9)
        text.add_paragraph(
            _(
                "打开后请设置自己的密码并同意\u300a隐私政策\u300b\u3002"
                "此链接只能使用一次\uff0c过期后请联系组织员重新生成\u3002"
            )
        )
        code.paragraphs[0].add_run().add_picture(_qr_png(url), width=Cm(4))
    if index < 0:
        document.add_paragraph(_("没有需要发放的账号。"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
