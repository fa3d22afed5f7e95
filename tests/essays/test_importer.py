"""The importer: the seed essay, a second essay with the genre's variants, idempotency."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading, Repair
from experiences.essays.parser import EssayImportError, essay_parse, lines_repair, quotations_find

SEED_PAIRS = [
    ("人情世故", "坚定原则"),
    ("苦口婆心", "甜嘴公心"),
    ("多面手", "专一招"),
    ("问题意识", "过程哲学"),
]

# A second essay of the genre, written for the tests, with the variants the
# importer must handle: 又要/也要/还要, 「」 『』 ‘’ and ASCII quotes, ASCII
# punctuation, a heading mid-paragraph, a heading restated in its section, a
# pair mentioned mid-sentence in the opening, an excerpt mentioning a heading,
# an excerpt with no title (unplaced), and a closing introduced by 总之.
VARIANT_ESSAY = """做好群众工作的几点体会

我在街道工作了八年,觉得既要“吃苦”,也要“享福”的说法不对,这里谈几点体会。
干工作又要「脚踏实地」、也要「仰望星空」。脚踏实地就是一步一个脚印。
仰望星空就是要有长远眼光。所以既要「脚踏实地」,也要「仰望星空」。
俗话说:“众人拾柴火焰高”。工作要靠大家。干工作既要『敢于担当』,还要『善于作为』!担当是态度。
毛主席曾说:“没有调查,就没有发言权。”
干工作既要"多听意见",更要"敢做决定". 多听意见才能少走弯路。
干工作既要‘小处着手’,更要‘大处着眼’;细节决定成败。
干工作既要“群众路线”更要“实事求是”
实事求是是根本。
总之,八年来我学到很多。
延伸阅读:
另一篇文章
一篇摘要,里面提到干工作既要“人情世故”,更要“坚定原则”,这不是本文的原则,而是别人文章的内容摘要...
这是一段孤立的摘要,前面没有标题,所以导入时无法归位,必须报告出来而不是悄悄丢掉...
"""


@pytest.fixture
def seed(seed_text):
    return essay_parse(text=seed_text)


@pytest.fixture
def variant():
    return essay_parse(text=VARIANT_ESSAY)


class TestSeedEssay:
    def test_exactly_the_four_pairs_in_order(self, seed):
        assert [(p.baseline, p.emphasis) for p in seed.principles] == SEED_PAIRS
        assert [p.position for p in seed.principles] == [1, 2, 3, 4]

    def test_headings_are_the_received_sentences(self, seed):
        assert seed.principles[0].heading == "干工作既要“人情世故”,更要“坚定原则”。"
        assert seed.principles[2].heading == "干工作既要“多面手”,更要“专一招”。"

    def test_title_comes_from_its_own_entry_in_related_reading(self, seed):
        assert seed.title == "基层干部的心得体会"
        assert seed.slug == "基层干部的心得体会"

    def test_no_byline_means_no_author(self, seed):
        # The seed has no byline; sentences about the author's career are not one.
        assert seed.author_line == ""

    def test_opening_and_closing(self, seed):
        assert seed.opening == [
            "乡镇是行政层级的末端,是党执政大厦的地基。我有幸做为一名乡镇干部,"
            "工作十年来和广大群众的打交道中有了自己的一些心得体会,现与万千基层干部一起分享。"
        ]
        assert len(seed.closing) == 1
        assert seed.closing[0].startswith("风雨多经人不老,关山初度路犹长。")
        assert seed.closing[0].endswith("继续做点实事、发点热光。")
        assert "查看更多" not in seed.closing[0]

    def test_each_principle_keeps_its_own_paragraphs(self, seed):
        first, second, third, fourth = seed.principles
        assert first.paragraphs[0].startswith("基层干部身在基层一线")
        # The restated heading inside the section stays ordinary text of principle 1.
        assert first.paragraphs[1].endswith("既要“人情世故”,更要“坚定原则”:")
        assert first.paragraphs[-1] == "那么你我就会得到群众信任、获得群众点赞。"
        # A heading mid-paragraph: the sentence before it belongs to principle 2.
        assert second.paragraphs[-1] == "只要拥有一颗小小的“公心”,那么任何困难都会给你我让步。"
        assert third.paragraphs[0] == "上面千条线,你我就要是个“多面手”,争取做个“全科干部”。"
        assert fourth.paragraphs[0].startswith("为人民服务是我党的宗旨。")
        assert fourth.paragraphs[-1].startswith("我直面问题")
        for principle in seed.principles:
            others = [p for p in seed.principles if p is not principle]
            for paragraph in principle.paragraphs:
                assert all(paragraph not in other.paragraphs for other in others)

    def test_quotations_with_their_sources(self, seed):
        found = {(q.source, q.text) for p in seed.principles for q in p.quotations}
        assert ("狄更斯", "一个健全的心态,比一百种智慧更有力量。") in found
        assert ("恩格斯", "世界不是一成不变的事物的集合体,而是过程的集合体。") in found
        assert ("俗语", "良言一句如春风,吹进人心化坚冰") in found
        second = seed.principles[1]
        assert [q.source for q in second.quotations] == ["俗语", "狄更斯"]

    def test_related_reading_excludes_the_essay_itself(self, seed):
        assert [r.title for r in seed.related_readings] == [
            "基层干部落实“三严三实”",
            "基层干部工作心得体会",
            "基层干部培训心得体会",
        ]
        assert seed.related_readings[0].excerpt == ""
        assert seed.related_readings[1].excerpt.startswith("做好基层工作的基本条件")

    def test_line_wrap_damage_is_repaired_and_recorded(self, seed):
        text = "".join(p for principle in seed.principles for p in principle.paragraphs)
        text += "".join(seed.closing)
        assert "去服务;群众整体" in text
        assert "人民武装等工作" in text
        assert "去服。" not in text and "人。民" not in text
        assert "过程的集合体。”" in seed.principles[3].paragraphs[1]
        assert seed.principles[3].paragraphs[2].startswith("我们固然有")
        afters = [r.after for r in seed.repairs]
        assert any("去服务;" in after for after in afters)
        assert any("人民武装" in after for after in afters)
        assert any("集合体。”" in after for after in afters)
        # Exactly these three body repairs: a real paragraph break (字上。/千忙万忙)
        # is not "repaired" although 上千 is a word.
        body_repairs = [r for r in seed.repairs if "\n" in r.before]
        assert len(body_repairs) == 3

    def test_masked_text_stays_as_received(self, seed):
        assert "反污了个人以及党和**的形象" in seed.principles[1].paragraphs[1]

    def test_nothing_unplaced(self, seed):
        assert seed.unplaced == []


class TestVariants:
    def test_pairs_with_every_quote_style_and_marker(self, variant):
        assert [(p.baseline, p.emphasis) for p in variant.principles] == [
            ("脚踏实地", "仰望星空"),
            ("敢于担当", "善于作为"),
            ("多听意见", "敢做决定"),
            ("小处着手", "大处着眼"),
            ("群众路线", "实事求是"),
        ]

    def test_title_from_first_line(self, variant):
        assert variant.title == "做好群众工作的几点体会"

    def test_mid_sentence_mention_is_not_a_heading(self, variant):
        assert variant.opening == [
            "我在街道工作了八年,觉得既要“吃苦”,也要“享福”的说法不对,这里谈几点体会。"
        ]

    def test_restated_heading_is_text_of_its_section(self, variant):
        first = variant.principles[0]
        assert first.heading == "干工作又要「脚踏实地」、也要「仰望星空」。"
        assert first.paragraphs == [
            "脚踏实地就是一步一个脚印。",
            "仰望星空就是要有长远眼光。所以既要「脚踏实地」,也要「仰望星空」。",
            "俗话说:“众人拾柴火焰高”。工作要靠大家。",
        ]

    def test_mid_paragraph_heading_and_ascii_punctuation(self, variant):
        second, third, fourth, fifth = variant.principles[1:]
        assert second.heading == "干工作既要『敢于担当』,还要『善于作为』!"
        assert second.paragraphs == ["担当是态度。", "毛主席曾说:“没有调查,就没有发言权。”"]
        assert third.heading == '干工作既要"多听意见",更要"敢做决定".'
        assert third.paragraphs == ["多听意见才能少走弯路。"]
        assert fourth.heading == "干工作既要‘小处着手’,更要‘大处着眼’;"
        assert fifth.heading == "干工作既要“群众路线”更要“实事求是”"
        assert fifth.paragraphs == ["实事求是是根本。"]

    def test_closing_and_quotations(self, variant):
        assert variant.closing == ["总之,八年来我学到很多。"]
        assert [(q.source, q.text) for q in variant.principles[0].quotations] == [
            ("俗语", "众人拾柴火焰高")
        ]
        assert [(q.source, q.text) for q in variant.principles[1].quotations] == [
            ("毛主席", "没有调查,就没有发言权。")
        ]

    def test_excerpt_mentioning_a_heading_is_related_reading_not_a_principle(self, variant):
        assert all(p.baseline != "人情世故" for p in variant.principles)
        assert [r.title for r in variant.related_readings] == ["另一篇文章"]
        assert "人情世故" in variant.related_readings[0].excerpt

    def test_unplaced_text_is_reported(self, variant):
        assert len(variant.unplaced) == 1
        assert variant.unplaced[0].startswith("这是一段孤立的摘要")

    def test_windows_line_endings_and_bom(self):
        parsed = essay_parse(text="\ufeff" + VARIANT_ESSAY.replace("\n", "\r\n"))
        assert len(parsed.principles) == 5

    def test_text_without_a_title_is_refused_unless_given_one(self):
        text = "我们要好好工作,这是开篇。\n干工作既要“甲”,更要“乙”。正文。"
        with pytest.raises(EssayImportError, match="标题"):
            essay_parse(text=text)
        parsed = essay_parse(text=text, title="指定的标题")
        assert parsed.title == "指定的标题"
        assert [(p.baseline, p.emphasis) for p in parsed.principles] == [("甲", "乙")]

    def test_mismatched_quote_marks_do_not_make_a_heading(self):
        text = "标题\n开篇。\n干工作既要“甲」,更要“乙”。正文。"
        parsed = essay_parse(text=text, title=None, allow_no_principles=True)
        assert parsed.principles == []


class TestRepairs:
    def test_word_split_by_a_stray_full_stop(self):
        lines, repairs = lines_repair(["要让你我去服。", "务;群众整体的素质。"])
        assert lines == ["要让你我去服务;群众整体的素质。"]
        assert len(repairs) == 1

    def test_closing_quote_pushed_to_next_line(self):
        lines, repairs = lines_repair(["他说:“世界是过程的集合体。", "”我们要有耐心。"])
        assert lines == ["他说:“世界是过程的集合体。”", "我们要有耐心。"]
        assert repairs[0].description

    def test_real_paragraph_breaks_are_left_alone(self):
        source = [
            "“专一招”专在“实”字上。",
            "千忙万忙,不抓落实都是瞎忙。",
            "那么你我就会让步。",
            "干工作要认真。",
        ]
        assert lines_repair(source) == (source, [])


def test_quotations_find_ignores_first_person_speech():
    assert quotations_find("我曾说:“这不是引语。”") == []


@pytest.mark.django_db
class TestImport:
    def test_stores_the_seed(self, seed_text):
        result = essay_import(text=seed_text)
        assert result.created
        essay = Essay.objects.get()
        assert essay.status == Essay.Status.PUBLISHED
        assert [(p.baseline, p.emphasis) for p in essay.principles.all()] == SEED_PAIRS
        assert Quotation.objects.count() == 3
        assert RelatedReading.objects.filter(essay=essay).count() == 3
        assert Repair.objects.filter(essay=essay).count() == 4
        assert essay.source_text == seed_text

    def test_importing_twice_changes_nothing(self, seed_text):
        essay_import(text=seed_text)

        def snapshot():
            return [
                list(model.objects.order_by("pk").values())
                for model in (Essay, Principle, Quotation, RelatedReading, Repair)
            ]

        before = snapshot()
        result = essay_import(text=seed_text)
        assert not result.created and not result.changed
        assert snapshot() == before

    def test_reimporting_an_edited_text_updates_in_place(self, seed_text):
        essay = essay_import(text=seed_text).essay
        principle = essay.principles.get(position=2)
        principle.tags.add("沟通")
        edited = seed_text.replace("我一是主动和群众打招呼", "我一是主动热情地和群众打招呼")
        result = essay_import(text=edited)
        assert result.changed
        principle.refresh_from_db()
        assert "主动热情地" in principle.body
        assert list(principle.tags.names()) == ["沟通"]
        assert Essay.objects.count() == 1

    def test_reordered_principles_swap_slugs_without_collisions(self):
        first = "标题\n开篇。\n干工作既要“甲”,更要“乙”。一。\n干工作既要“丙”,更要“丁”。二。"
        essay = essay_import(text=first).essay
        swapped = "标题\n开篇。\n干工作既要“丙”,更要“丁”。二。\n干工作既要“甲”,更要“乙”。一。"
        essay_import(text=swapped)
        assert [p.slug for p in essay.principles.all()] == ["丙-丁", "甲-乙"]

    def test_fewer_principles_on_reimport_removes_the_rest(self):
        essay = essay_import(
            text="标题\n开篇。\n干工作既要“甲”,更要“乙”。一。\n干工作既要“丙”,更要“丁”。二。"
        ).essay
        essay_import(text="标题\n开篇。\n干工作既要“甲”,更要“乙”。一。")
        assert [p.baseline for p in essay.principles.all()] == ["甲"]

    def test_dry_run_stores_nothing(self, seed_text):
        result = essay_import(text=seed_text, dry_run=True)
        assert len(result.parsed.principles) == 4
        assert Essay.objects.count() == 0


@pytest.mark.django_db
class TestImportCommand:
    def test_imports_and_reports(self, tmp_path):
        path = tmp_path / "essay.txt"
        path.write_text(VARIANT_ESSAY, encoding="utf-8")
        out = StringIO()
        call_command("import_essay", str(path), stdout=out)
        output = out.getvalue()
        assert "已导入新文章《做好群众工作的几点体会》" in output
        assert "原则 5\uff1a既要「群众路线」\uff0c更要「实事求是」" in output
        assert "未归位文字\uff1a这是一段孤立的摘要" in output
        assert Essay.objects.get().principles.count() == 5

        out = StringIO()
        call_command("import_essay", str(path), stdout=out)
        assert "已是最新\uff0c未做改动" in out.getvalue()

    def test_dry_run(self, tmp_path):
        path = tmp_path / "essay.txt"
        path.write_text(VARIANT_ESSAY, encoding="utf-8")
        out = StringIO()
        call_command("import_essay", str(path), "--dry-run", stdout=out)
        assert "试运行\uff1a未写入数据库" in out.getvalue()
        assert re.search("原则 1\uff1a既要「脚踏实地」", out.getvalue())
        assert not Essay.objects.exists()

    def test_draft_flag(self, tmp_path):
        path = tmp_path / "essay.txt"
        path.write_text(VARIANT_ESSAY, encoding="utf-8")
        call_command("import_essay", str(path), "--draft", stdout=StringIO())
        assert Essay.objects.get().status == Essay.Status.DRAFT

    def test_missing_file_and_bad_encoding(self, tmp_path):
        with pytest.raises(CommandError, match="找不到文件"):
            call_command("import_essay", str(tmp_path / "nope.txt"))
        path = tmp_path / "garbled.txt"
        path.write_bytes(b"\xff\xfe\x00\xd8" + b"\xff" * 7)  # a UTF-16 BOM, then no UTF-16
        with pytest.raises(CommandError, match="无法识别文件编码"):
            call_command("import_essay", str(path))

    def test_seed_flag_imports_the_shipped_essay_with_its_tags(self):
        call_command("import_essay", "--seed", stdout=StringIO())
        essay = Essay.objects.get()
        assert essay.principles.count() == 4
        assert any(principle.tags.exists() for principle in essay.principles.all())
        with pytest.raises(CommandError, match="--seed"):
            call_command("import_essay")

    def test_untitled_text_is_a_clear_error(self, tmp_path):
        path = tmp_path / "essay.txt"
        path.write_text("这是开篇。\n干工作既要“甲”,更要“乙”。正文。", encoding="utf-8")
        with pytest.raises(CommandError, match="--title"):
            call_command("import_essay", str(path))
        call_command("import_essay", str(path), "--title", "甲乙", stdout=StringIO())
        assert Essay.objects.get().title == "甲乙"
