"""Essays as people really paste them: full-width punctuation, phone wraps, GBK, bylines.

Three essays of the genre (tests/essays/pasted.py) go through the parser, the
``import_essay`` command and the admin's import page; each bullet of what a
new editor tried has a test here.
"""

import html
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from experiences.essays import patterns
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.parser import EssayImportError, essay_parse, essay_text_decode
from tests.essays.pasted import COMMUNITY, COUNTY, ESSAYS, PAIRS, VILLAGE

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:experiences_essay_import")


def pairs_of(parsed):
    return [(p.baseline, p.connective, p.emphasis) for p in parsed.principles]


class TestPunctuationClasses:
    @pytest.mark.parametrize(
        ("name", "ascii", "full"),
        [
            ("COMMAS", ",", "\uff0c"),
            ("SEMICOLONS", ";", "\uff1b"),
            ("COLONS", ":", "\uff1a"),
            ("EXCLAMATIONS", "!", "\uff01"),
            ("QUESTIONS", "?", "\uff1f"),
            ("PARENTHESES_OPEN", "(", "\uff08"),
            ("PARENTHESES_CLOSE", ")", "\uff09"),
        ],
    )
    def test_each_class_holds_ascii_and_full_width(self, name, ascii, full):
        value = getattr(patterns, name)
        assert ascii in value and full in value, [hex(ord(c)) for c in value]

    def test_sentence_ends_hold_full_width_marks(self):
        for character in ("。", "\uff01", "\uff1f", "!", "?"):
            assert character in patterns.SENTENCE_ENDS

    def test_heading_and_marker_patterns_hold_full_width_marks(self):
        for character in ("\uff0c", "\uff1b", "\uff1a"):
            assert character in patterns.HEADING.pattern
        assert "\uff1a" in patterns.RELATED_MARKER.pattern

    @pytest.mark.parametrize("name", sorted(ESSAYS))
    def test_the_test_essays_really_are_full_width(self, name):
        text = ESSAYS[name]
        assert "\uff0c" in text
        assert "," not in text


class TestPastedEssays:
    @pytest.mark.parametrize("name", sorted(ESSAYS))
    def test_every_principle_with_its_connective_as_written(self, name):
        assert pairs_of(essay_parse(text=ESSAYS[name])) == PAIRS[name]

    def test_title_with_a_full_width_colon(self):
        assert essay_parse(text=COMMUNITY).title == "社区工作心得\uff1a把居民的小事当成大事"

    @pytest.mark.parametrize(
        ("name", "title"),
        [
            ("village", "乡村振兴的几点思考"),
            ("community", "社区治理的新路子"),
            ("county", "机关干部的自我修养"),
        ],
    )
    def test_related_reading_markers_in_brackets_or_with_a_full_width_colon(self, name, title):
        parsed = essay_parse(text=ESSAYS[name])
        assert [reading.title for reading in parsed.related_readings] == [title]
        assert parsed.unplaced == []

    def test_headings_after_ordinals_exclamations_and_long_leads(self):
        village = essay_parse(text=VILLAGE)
        assert village.principles[0].heading.startswith("一、既要")
        assert village.principles[1].heading.endswith("\uff01")
        community = essay_parse(text=COMMUNITY)
        assert community.principles[0].heading.startswith("做好新时代社区工作既要")
        # Right after ！ in the middle of a paragraph.
        assert community.principles[1].heading.startswith("既要“听得进意见”")
        county = essay_parse(text=COUNTY)
        assert [p.heading[:4] for p in county.principles] == [
            "\uff08一\uff09既",
            "1.既要",
            "第一\uff0c既",
        ]

    def test_lines_broken_mid_sentence_are_joined_and_recorded(self):
        parsed = essay_parse(text=COMMUNITY)
        body = "".join(parsed.principles[0].paragraphs + parsed.principles[1].paragraphs)
        for joined in ("把堆物清理干净", "小区治理靠的是", "去敲门\uff0c开门的是"):
            assert joined in body
        joins = [r for r in parsed.repairs if r.description.startswith("一句话被断行")]
        assert len(joins) == 4

    def test_real_breaks_are_kept(self):
        parsed = essay_parse(text=VILLAGE)
        assert parsed.repairs == []
        assert parsed.principles[0].paragraphs[-1] == "有人劝我少管闲事\uff0c我没有听\uff01"

    def test_only_an_explicit_byline_names_the_author(self):
        assert essay_parse(text=VILLAGE).author_line == "王建国"
        assert essay_parse(text=COUNTY).author_line == "李明"
        # "有些工作要做三年五年" is a sentence about work, not a byline.
        assert essay_parse(text=COMMUNITY).author_line == ""

    def test_closing_without_a_marker_word(self):
        parsed = essay_parse(text=VILLAGE)
        assert parsed.closing == [
            "十二年来\uff0c俯下身子、算好大账、守住底线\uff0c这些都成了我的习惯。",
            "我会继续干下去\uff0c和乡亲们一起把日子过得更红火。",
        ]
        assert parsed.principles[-1].paragraphs[-1].startswith("现在村里办起了合作社")

    def test_quotations_with_full_width_punctuation(self):
        parsed = essay_parse(text=VILLAGE)
        assert [(q.source, q.text) for q in parsed.principles[1].quotations] == [
            ("俗语", "人心齐\uff0c泰山移。")
        ]


class TestEncodings:
    @pytest.mark.parametrize(
        "encode",
        [
            lambda text: text.encode("utf-8"),
            lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
            lambda text: text.encode("gbk"),
            lambda text: text.encode("gb18030"),
            lambda text: text.encode("utf-16"),
        ],
        ids=["utf-8", "utf-8-bom-crlf", "gbk", "gb18030", "utf-16"],
    )
    def test_one_decoder_for_every_encoding(self, encode):
        assert essay_text_decode(encode(COUNTY)) == COUNTY

    def test_the_command_and_the_admin_import_the_same_essay(self, tmp_path, admin_client):
        path = tmp_path / "county.txt"
        path.write_bytes(COUNTY.replace("\n", "\r\n").encode("gbk"))
        call_command("import_essay", str(path), stdout=StringIO())
        essay = Essay.objects.get()
        before = (essay.source_text, essay.opening, essay.closing, essay.author_line)
        upload = SimpleUploadedFile("county.txt", b"\xef\xbb\xbf" + COUNTY.encode("utf-8"))
        response = admin_client.post(IMPORT_URL, {"upload": upload, "preview": "1"})
        text = response.context["form"].initial["text"]
        result = essay_import(text=text)
        assert result.changed is False
        essay.refresh_from_db()
        assert (essay.source_text, essay.opening, essay.closing, essay.author_line) == before

    def test_garbage_is_refused_clearly(self):
        with pytest.raises(EssayImportError, match="无法识别文件编码"):
            essay_text_decode(b"\xff\xfe\x00\xd8")


class TestRefusals:
    def test_command_refuses_an_empty_file(self, tmp_path):
        path = tmp_path / "empty.txt"
        path.write_text("\n  \n", encoding="utf-8")
        with pytest.raises(CommandError, match="原文是空的"):
            call_command("import_essay", str(path), "--title", "空", stdout=StringIO())
        assert not Essay.objects.exists()

    def test_command_refuses_a_plain_article_unless_told(self, tmp_path):
        path = tmp_path / "plain.txt"
        path.write_text(full_plain_article(), encoding="utf-8")
        with pytest.raises(CommandError, match="--no-principles"):
            call_command("import_essay", str(path), stdout=StringIO())
        assert not Essay.objects.exists()
        call_command("import_essay", str(path), "--no-principles", stdout=StringIO())
        assert Essay.objects.get().principles.count() == 0

    def test_command_names_its_own_flag_for_a_missing_title(self, tmp_path):
        path = tmp_path / "untitled.txt"
        path.write_text(VILLAGE.split("\n", 2)[2], encoding="utf-8")
        with pytest.raises(CommandError, match="--title"):
            call_command("import_essay", str(path), stdout=StringIO())

    def test_admin_refuses_a_plain_article_in_its_own_words(self, admin_client):
        response = admin_client.post(IMPORT_URL, {"text": full_plain_article(), "save": "1"})
        page = html.unescape(response.content.decode())
        assert "没有找到任何原则" in page
        assert "请勾选“这篇文章确实没有原则”" in page
        assert "--" not in re.sub(r"<!--.*?-->", "", page.split("errorlist")[1][:400])
        assert not Essay.objects.exists()
        admin_client.post(
            IMPORT_URL, {"text": full_plain_article(), "no_principles": "on", "save": "1"}
        )
        assert Essay.objects.get().status == Essay.Status.DRAFT

    def test_admin_title_field_is_really_optional(self, admin_client):
        page = html.unescape(admin_client.get(IMPORT_URL).content.decode())
        assert "标题\uff08选填\uff09" in page
        assert "必填" not in page.split("<form")[1]
        # An untitled text saves: its first sentence stands in until the editor changes it.
        untitled = VILLAGE.split("\n", 2)[2]
        response = admin_client.post(IMPORT_URL, {"text": untitled, "save": "1"})
        assert response.status_code == 302
        assert Essay.objects.get().status == Essay.Status.DRAFT


def full_plain_article() -> str:
    return "一篇普通的文章\n" + "这是一篇没有“既要……更要……”标题句的普通文章\uff0c只有正文。\n" * 3


class TestShownAsWritten:
    @pytest.fixture
    def village(self):
        return essay_import(text=VILLAGE).essay

    def test_principle_page_shows_the_connective_and_styles_only_gengyao(self, client, village):
        first, second = village.principles.order_by("position")[:2]
        page = html.unescape(client.get(first.get_absolute_url()).content.decode())
        assert '<span class="half second">也要「挺直腰杆」</span>' in page
        assert "更要「挺直腰杆」" not in page
        page = html.unescape(client.get(second.get_absolute_url()).content.decode())
        assert '<span class="half emphasis">更要「算好大账」</span>' in page

    def test_rebuilt_essay_has_every_sentence_once_in_order(self, client, village):
        page = client.get(village.get_absolute_url()).content.decode()
        start = page.index('<article class="essay">')
        rebuilt = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", page[start:])))
        received = VILLAGE.split("延伸阅读")[0].split("\n", 2)[2]  # after title and byline
        sentences = [
            s
            for s in (
                re.sub(r"\s+", "", part) for part in re.split("(?<=[。\uff01\uff1f])", received)
            )
            if s
        ]
        assert len(sentences) > 15
        cursor = 0
        for sentence in sentences:
            found = rebuilt.find(sentence, cursor)
            assert found >= cursor, f"missing or out of order: {sentence}"
            cursor = found + len(sentence)

    def test_command_reports_connectives_as_written(self, tmp_path):
        path = tmp_path / "village.txt"
        path.write_text(VILLAGE, encoding="utf-8")
        out = StringIO()
        call_command("import_essay", str(path), "--dry-run", stdout=out)
        assert "既要「俯下身子」\uff0c也要「挺直腰杆」" in out.getvalue()
        assert "作者\uff1a王建国" in out.getvalue()
