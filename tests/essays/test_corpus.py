"""Essays of the genre in all their usual shapes (tests/essays/corpus), and 公众号 furniture.

The corpus is written by ``tests/essays/corpus/generate.py``; each essay has a
different shape of heading. The furniture tests drive the parser, the
``import_essay`` command and the admin's preview as an editor would.
"""

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from experiences.essays.furniture import (
    BYLINE_DATE,
    CAPTION,
    FOOTER,
    ORNAMENT,
    PROMPT,
    furniture_category,
)
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, RelatedReading
from experiences.essays.parser import essay_parse
from tests.essays.corpus.generate import DETAILS, ESSAYS, EXPECTED, path_of
from tests.essays.pasted import full_width

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:experiences_essay_import")
NAMES = sorted(ESSAYS)


def quads(parsed):
    return [(p.opener, p.baseline, p.connective, p.emphasis) for p in parsed.principles]


class TestCorpusFiles:
    def test_at_least_six_essays_of_different_shapes(self):
        assert len(ESSAYS) >= 6
        shapes = {(EXPECTED[name][0][0], EXPECTED[name][0][2]) for name in NAMES}
        assert len(shapes) >= 5

    @pytest.mark.parametrize("name", NAMES)
    def test_files_are_what_the_script_writes(self, name):
        text = path_of(name).read_text(encoding="utf-8")
        assert text == ESSAYS[name], "run: python -m tests.essays.corpus.generate"
        assert "\uff0c" in text and "," not in text


class TestHeadingShapes:
    @pytest.mark.parametrize("name", NAMES)
    def test_every_principle_in_order(self, name):
        assert quads(essay_parse(text=ESSAYS[name])) == EXPECTED[name]

    @pytest.mark.parametrize("name", NAMES)
    def test_title_author_and_opening(self, name):
        parsed = essay_parse(text=ESSAYS[name])
        details = DETAILS[name]
        assert parsed.title == details["title"]
        assert parsed.author_line == details["author"]
        assert len(parsed.opening) == 1
        assert parsed.opening[0].startswith(details["opening"])
        assert parsed.unplaced == []

    @pytest.mark.parametrize("name", NAMES)
    def test_a_heading_is_never_glued_to_the_paragraph_after_it(self, name):
        parsed = essay_parse(text=ESSAYS[name])
        lines = ESSAYS[name].splitlines()
        for principle in parsed.principles:
            assert principle.heading in lines
            assert principle.paragraphs, principle.heading
        assert not [r for r in parsed.repairs if r.description.startswith("一句话被断行")]

    def test_unnumbered_unquoted_heading_without_a_full_stop_stays_alone(self):
        parsed = essay_parse(text=ESSAYS["unnumbered"])
        assert parsed.principles[0].heading == "既要减掉形式\uff0c更要减出实效"
        assert parsed.principles[0].paragraphs[0].startswith("文件会议少了")

    def test_a_sentence_of_that_shape_inside_a_paragraph_is_not_a_heading(self):
        text = full_width(
            "一篇文章\n我们既要看到成绩,也要看到不足。这是老话。\n"
            "一、既要“看成绩”,更要“找不足”\n正文一段。\n"
        )
        parsed = essay_parse(text=text)
        assert quads(parsed) == [("既要", "看成绩", "更要", "找不足")]
        assert parsed.opening[0].startswith("我们既要看到成绩")

    @pytest.mark.parametrize("name", ["yi-er-san", "diyi-yao-buyao", "unnumbered"])
    def test_prefaces_and_notes_are_neither_principles_nor_the_opening(self, name):
        parsed = essay_parse(text=ESSAYS[name])
        assert len(parsed.notes) == DETAILS[name]["notes"]
        everything = parsed.opening + parsed.closing
        everything += [p for principle in parsed.principles for p in principle.paragraphs]
        for note in parsed.notes:
            assert note not in everything
            assert not any(note.split("\uff1a")[-1] in paragraph for paragraph in everything)

    def test_notes_are_stored_aside_and_shown_after_the_essay(self, client):
        essay = essay_import(text=ESSAYS["yi-er-san"]).essay
        assert essay.note_paragraphs == [
            "编者按\uff1a本文作者在乡镇工作十五年\uff0c文章是他在全县干部培训班上的发言\uff0c略有删节。",
            "\uff08作者系某县某镇党委副书记\uff09",
        ]
        assert "编者按" not in essay.opening and "作者系" not in essay.closing
        page = html.unescape(client.get(essay.get_absolute_url()).content.decode())
        assert '<aside class="essay-notes"' in page
        assert page.index("作者系某县某镇党委副书记") > page.index("群众的信任是干出来的")

    def test_the_pair_is_shown_in_the_authors_words(self, client):
        essay = essay_import(text=ESSAYS["diyi-yao-buyao"]).essay
        principle = essay.principles.get(position=1)
        assert principle.label == "要「讲实话」\uff0c不要「打官腔」"
        page = html.unescape(client.get(principle.get_absolute_url()).content.decode())
        assert "要「讲实话」</span>" in page and "不要「打官腔」</span>" in page
        assert "既要「讲实话」" not in page
        essay_page = html.unescape(client.get(essay.get_absolute_url()).content.decode())
        assert "要「讲实话」\uff0c不要「打官腔」" in essay_page
        assert "既要「讲实话」" not in essay_page

    def test_every_essay_imports_and_reimports_unchanged(self):
        for name in NAMES:
            essay_import(text=ESSAYS[name])
            assert essay_import(text=ESSAYS[name]).changed is False
        assert Essay.objects.count() == len(NAMES)


class TestFurniture:
    @pytest.mark.parametrize(
        ("line", "category"),
        [
            ("原创 周海涛 基层治理观察 2024-03-05 08\uff1a30", BYLINE_DATE),
            ("2024年3月5日", BYLINE_DATE),
            ("发布时间\uff1a2023-11-02", BYLINE_DATE),
            ("来源\uff1a某县融媒体中心", BYLINE_DATE),
            ("责任编辑\uff1a王芳", BYLINE_DATE),
            ("01", ORNAMENT),
            ("PART 2", ORNAMENT),
            ("— 03 —", ORNAMENT),
            ("\uff08三\uff09", ORNAMENT),
            ("壹", ORNAMENT),
            ("◆◆◆", ORNAMENT),
            ("* * *", ORNAMENT),
            ("图为村干部入户走访", CAPTION),
            ("\uff08图片来源\uff1a网络\uff09", CAPTION),
            ("摄影\uff1a李明", CAPTION),
            ("▲ 村民在合作社里分拣蔬菜", CAPTION),
            ("图/新华社", CAPTION),
            ("点击上方蓝字关注我们", PROMPT),
            ("长按识别二维码关注", PROMPT),
            ("阅读 1.2万", FOOTER),
            ("在看 36 点赞 128", FOOTER),
            ("分享 收藏 点赞 在看", FOOTER),
            ("阅读原文", FOOTER),
            ("- END -", FOOTER),
            ("往期推荐", FOOTER),
            ("【往期回顾】", FOOTER),
        ],
    )
    def test_each_shape_is_recognised_by_category(self, line, category):
        assert furniture_category(line) == category

    @pytest.mark.parametrize(
        "line",
        [
            "作者\uff1a王建国",
            "文/李明",
            "3月31日至4月2日\uff0c我参加了区委组织部举办的培训班。",
            "图书馆里的书\uff0c我一本一本地读。",
            "一、既要“接地气”\uff0c更要“有底气”",
            "”",
            "推荐阅读",
            "分享经验是好事\uff0c但更要落实。",
            "村支书的三点体会",
        ],
    )
    def test_content_is_never_furniture(self, line):
        assert furniture_category(line) is None

    def test_wechat_furniture_is_left_out_and_listed(self):
        parsed = essay_parse(text=ESSAYS["wechat"])
        removed = {(line.category, line.text) for line in parsed.removed}
        assert (BYLINE_DATE, "原创 周海涛 基层治理观察 2024-03-05 08\uff1a30") in removed
        assert (ORNAMENT, "01") in removed and (ORNAMENT, "◆◆◆") in removed
        assert (CAPTION, "▲图为作者在村里走访群众") in removed
        assert (CAPTION, "\uff08图片来源\uff1a网络\uff09") in removed
        assert (FOOTER, "阅读 1.2万") in removed
        # The list of other articles after the footer, 推荐阅读 among them.
        assert (FOOTER, "村里来了新书记") in removed
        assert (FOOTER, "基层治理的十个关键词") in removed
        assert parsed.related_readings == []
        assert parsed.author_line == "周海涛"

    def test_wechat_furniture_is_never_stored(self):
        essay = essay_import(text=ESSAYS["wechat"]).essay
        stored = "\n".join(
            [essay.opening, essay.closing, essay.notes, essay.unplaced_text]
            + [p.body for p in essay.principles.all()]
        )
        for furniture in (
            "2024-03-05",
            "蓝字",
            "01",
            "◆",
            "图为",
            "图片来源",
            "摄影",
            "阅读 1",
            "往期",
        ):
            assert furniture not in stored, furniture
        assert not RelatedReading.objects.exists()
        assert essay.source_text == ESSAYS["wechat"]

    def test_admin_preview_shows_what_was_removed(self, admin_client):
        response = admin_client.post(IMPORT_URL, {"text": ESSAYS["wechat"], "preview": "1"})
        page = html.unescape(response.content.decode())
        preview = page.split("已略去")[1].split("</ul>")[0]
        for text in ("图片说明", "▲图为作者在村里走访群众", "阅读 1.2万", "基层治理的十个关键词"):
            assert text in preview
        assert "<del>01</del>" in preview
        assert not Essay.objects.exists()

    def test_command_reports_what_was_removed(self, tmp_path):
        path = tmp_path / "wechat.txt"
        path.write_text(ESSAYS["wechat"], encoding="utf-8")
        out = StringIO()
        call_command("import_essay", str(path), "--dry-run", stdout=out)
        assert "已略去\uff08图片说明\uff09\uff1a摄影\uff1a李明" in out.getvalue()

    def test_a_related_reading_list_without_a_footer_stays_related_reading(self):
        text = full_width(
            "一篇文章\n开篇一段。\n一、既要“甲”,更要“乙”\n正文。\n推荐阅读\n另一篇文章\n"
        )
        parsed = essay_parse(text=text)
        assert [r.title for r in parsed.related_readings] == ["另一篇文章"]
        assert parsed.removed == []
