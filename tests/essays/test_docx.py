"""Word documents (.docx) into the importer: the admin's upload and ``import_essay``.

The documents are made here with python-docx, as Word and WPS save them:
heading styles, Word's automatic numbering (the number is not in the text),
bold runs, an image and a comment.
"""

import base64
import html
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from experiences.essays.docx import essay_docx_read
from experiences.essays.models import Essay

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:experiences_essay_import")
C = "\uff0c"  # ，
# A 1×1 PNG, for the picture Word keeps in the document.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def numbered(paragraph, *, level=0, num_id=1):
    """Word's automatic numbering on a paragraph: <w:numPr> in its properties."""
    ppr = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    numpr.append(ilvl)
    numpr.append(num)
    ppr.append(numpr)
    return paragraph


def as_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def styled_essay() -> bytes:
    """Headings from heading styles, bold in the body, an image and a comment."""
    document = Document()
    document.add_paragraph("村里的两件大事", style="Title")
    document.add_paragraph(f"当了三年村支书{C}我想说说两件事。")
    document.add_heading(f"要“讲实话”{C}不要“打官腔”", level=1)
    body = document.add_paragraph(f"群众的眼睛是雪亮的{C}")
    body.add_run("一句实话胜过十句空话").bold = True
    body.add_run("。")
    document.add_paragraph().add_run().add_picture(io.BytesIO(PNG))
    document.add_heading(f"既要“算小账”{C}更要“算大账”", level=1)
    commented = document.add_paragraph("小账是一家一户的收入。")
    document.add_comment(commented.runs, text="这里要补一个例子", author="编辑")
    document.add_paragraph(f"大账是全村的长远发展{C}要算清楚。")
    document.add_paragraph(f"总之{C}三年来我学到了很多。")
    return as_bytes(document)


def auto_numbered_essay() -> bytes:
    """Headings numbered by Word, with no number (and no quotes) in their text."""
    document = Document()
    document.add_paragraph("驻村一年的体会", style="Title")
    document.add_paragraph(f"驻村一年{C}说三点体会。")
    numbered(document.add_paragraph(f"不仅要摸清底数{C}更要找准路子"))
    document.add_paragraph("底数清了路子才准。")
    numbered(document.add_paragraph(f"多“走心”{C}少“走秀”"))
    document.add_paragraph("做群众工作最怕做样子。")
    numbered(document.add_paragraph(f"要讲实话{C}不要讲空话"))
    document.add_paragraph("群众听得出真假。")
    return as_bytes(document)


class TestReading:
    def test_word_automatic_numbering_makes_numbered_headings(self):
        read = essay_docx_read(auto_numbered_essay())
        lines = read.text.splitlines()
        assert lines[0] == "驻村一年的体会"
        assert lines[2] == f"一、不仅要摸清底数{C}更要找准路子"
        assert lines[4] == f"二、多“走心”{C}少“走秀”"
        assert lines[6] == f"三、要讲实话{C}不要讲空话"
        assert read.notices == []

    def test_heading_styles_bold_images_and_comments(self):
        read = essay_docx_read(styled_essay())
        lines = read.text.splitlines()
        assert lines[0] == "村里的两件大事"
        assert lines[2] == f"一、要“讲实话”{C}不要“打官腔”"
        assert lines[3] == f"群众的眼睛是雪亮的{C}**一句实话胜过十句空话**。"
        assert lines[4] == f"二、既要“算小账”{C}更要“算大账”"
        assert read.notices == [
            "跳过了 1 张图片\uff1a文章只导入文字。",
            "跳过了 1 条批注\uff1a批注不属于正文。",
        ]


class TestCommand:
    def test_import_essay_takes_a_docx(self, tmp_path):
        path = tmp_path / "essay.docx"
        path.write_bytes(auto_numbered_essay())
        out = StringIO()
        call_command("import_essay", str(path), stdout=out)
        essay = Essay.objects.get()
        assert essay.title == "驻村一年的体会"
        assert [p.label for p in essay.principles.order_by("position")] == [
            f"不仅要「摸清底数」{C}更要「找准路子」",
            f"多「走心」{C}少「走秀」",
            f"要「讲实话」{C}不要「讲空话」",
        ]
        assert essay.principles.get(position=1).body == "底数清了路子才准。"

    def test_import_essay_prints_what_it_skipped(self, tmp_path):
        path = tmp_path / "essay.docx"
        path.write_bytes(styled_essay())
        out = StringIO()
        call_command("import_essay", str(path), "--dry-run", stdout=out)
        assert "跳过了 1 张图片" in out.getvalue() and "跳过了 1 条批注" in out.getvalue()

    @pytest.mark.parametrize("name", ["essay.doc", "essay.wps", "ESSAY.DOC"])
    def test_old_word_formats_get_a_chinese_message_asking_for_docx(self, tmp_path, name):
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
        with pytest.raises(CommandError, match=r"另存为.*\.docx"):
            call_command("import_essay", str(path), stdout=StringIO())
        assert not Essay.objects.exists()

    def test_a_broken_docx_is_refused_clearly(self, tmp_path):
        path = tmp_path / "broken.docx"
        path.write_bytes(b"not a zip at all")
        with pytest.raises(CommandError, match="无法读取这个 Word 文档"):
            call_command("import_essay", str(path), stdout=StringIO())


class TestAdmin:
    def upload(self, name, data):
        return SimpleUploadedFile(name, data, content_type="application/octet-stream")

    def test_preview_of_a_docx_with_notices(self, admin_client):
        response = admin_client.post(
            IMPORT_URL, {"upload": self.upload("essay.docx", styled_essay()), "preview": "1"}
        )
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "2 条原则" in page
        assert f"要「讲实话」{C}不要「打官腔」" in page
        notices = page.split("Word 文档里跳过的内容")[1][:400]
        assert "跳过了 1 张图片" in notices and "跳过了 1 条批注" in notices
        # The text box holds the document's text, ready for corrections; nothing stored yet.
        assert "**一句实话胜过十句空话**" in response.context["form"].initial["text"]
        assert not Essay.objects.exists()

    def test_saved_docx_shows_bold_as_emphasis(self, admin_client, client):
        text = essay_docx_read(styled_essay()).text
        response = admin_client.post(IMPORT_URL, {"text": text, "save": "1"})
        assert response.status_code == 302
        essay = Essay.objects.get()
        essay.status = Essay.Status.PUBLISHED
        essay.save()
        page = client.get(essay.principles.get(position=1).get_absolute_url()).content.decode()
        assert "<strong>一句实话胜过十句空话</strong>" in page
        assert "**" not in page.split('class="principle-body"')[1].split("</div>")[0]

    @pytest.mark.parametrize("name", ["essay.doc", "essay.wps"])
    def test_old_word_formats_get_a_chinese_message(self, admin_client, name):
        response = admin_client.post(
            IMPORT_URL, {"upload": self.upload(name, b"\xd0\xcf\x11\xe0"), "preview": "1"}
        )
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "暂不支持 .doc 或 .wps 格式" in page and "另存为” Word 文档\uff08.docx\uff09" in page
        assert not Essay.objects.exists()
