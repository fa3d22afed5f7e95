"""The 心得体会汇编 goes straight into the file: A4 with GB/T 9704 margins, zh-CN, Chinese
punctuation, 着重号 instead of italics, the essay on the cover, 专题说明 first (issue 28)."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.factories import ReflectionFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db

BETWEEN_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:][\u4e00-\u9fff]")
BODY = "我们要多下功夫,既要人情世故;更要坚定原则:这是*关键的话*,也是**要点**。"


@pytest.fixture
def document(client, tree, topic, seed_essay, county_organiser):
    topic.principles.set([seed_essay.principles.order_by("position").first()])
    topic.description = "本次专题学习,联系实际;写出真体会:不少于五百字。"
    topic.save()
    ReflectionFactory(
        author=member_in(tree["东一村"], username="zhang", display_name="张三"),
        study_topic=topic,
        title="学习体会一",
        body=BODY,
    )
    client.force_login(county_organiser)
    response = client.get(reverse("experiences:study_docx", args=[topic.pk]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def close(length, mm):
    return abs(length - Mm(mm)) < Mm(0.5)


def test_a4_with_gb_t_9704_margins(document):
    for section in document.sections:
        assert close(section.page_width, 210) and close(section.page_height, 297)
        assert close(section.top_margin, 37) and close(section.bottom_margin, 35)
        assert close(section.left_margin, 28) and close(section.right_margin, 26)


def test_document_language_is_zh_cn(document):
    languages = list(document.styles.element.iter(qn("w:lang")))
    assert languages
    for element in languages:
        assert element.get(qn("w:val")) == "zh-CN"
        assert element.get(qn("w:eastAsia")) == "zh-CN"
    assert "en-US" not in document.styles.element.xml
    assert document.core_properties.language == "zh-CN"


def test_no_ascii_punctuation_between_chinese_characters(document):
    texts = [paragraph.text for paragraph in document.paragraphs]
    everything = "\n".join(texts)
    assert BETWEEN_CHINESE.findall(everything) == []
    # The principle text, the description and the reflection, each with full-width marks.
    assert "多下功夫\uff0c既要" in everything
    assert "本次专题学习\uff0c联系实际\uff1b写出真体会\uff1a不少于五百字。" in texts


def test_emphasis_is_dots_under_characters_never_italic(document):
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    assert [run.text for run in runs if run.italic] == []
    for paragraph in document.paragraphs:
        style = paragraph.style
        while style is not None:
            assert not style.font.italic, style.name
            style = style.base_style
    dotted = [run.text for run in runs if run._r.find(f"{qn('w:rPr')}/{qn('w:em')}") is not None]
    assert dotted == ["关键的话"]
    assert "要点" in [run.text for run in runs if run.bold]


def test_cover_names_the_essay_and_description_comes_first(document, seed_essay):
    texts = [paragraph.text for paragraph in document.paragraphs]
    cover = texts[: texts.index("目录")]
    assert seed_essay.title == "基层干部的心得体会"
    assert any("《基层干部的心得体会》" in line for line in cover)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings.index("专题说明") < headings.index("学习原则")
    # The plain contents after the TOC field list 专题说明 first, too.
    toc = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert toc[:2] == ["专题说明", "学习原则"]
