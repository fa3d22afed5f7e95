"""The 心得体会汇编 (.docx) and participation.xlsx, reopened and read back."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from experiences.reflections.models import Reflection
from tests.factories import PrincipleFactory, ReflectionFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db

BODY = """### 小标题

第一段有**加粗的话**和*斜体*。

- 第一条
- 第二条

> 引用群众的话

<script>alert(1)</script>
"""


@pytest.fixture
def written(tree, topic):
    principle = PrincipleFactory(baseline="人情世故", emphasis="坚定原则", body="原则正文第一段。")
    topic.principles.set([principle])
    first = ReflectionFactory(
        author=member_in(tree["东一村"], username="zhang", display_name="张三"),
        study_topic=topic,
        title="学习体会一",
        body=BODY,
    )
    second = ReflectionFactory(
        author=member_in(tree["西一村"], username="li", display_name="李四"),
        study_topic=topic,
        title="学习体会二",
    )
    pending = ReflectionFactory(
        author=member_in(tree["西一村"], username="wang"),
        study_topic=topic,
        title="待审核的",
        status=Reflection.Status.PENDING,
    )
    return first, second, pending


def test_docx_holds_cover_toc_principles_and_every_published_reflection(
    client, topic, written, county_organiser
):
    client.force_login(county_organiser)
    response = client.get(reverse("experiences:study_docx", args=[topic.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    everything = "\n".join(texts)
    assert "心得体会汇编" in texts[0]
    assert topic.title in everything and "城关县" in everything
    assert "目录" in texts
    assert 'TOC \\o "1-2"' in document.element.xml
    # The principle studied, with its text.
    assert any("人情世故" in text for text in texts) and "原则正文第一段。" in texts
    # Each published reflection with its author and unit; the pending one is left out.
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "学习体会一" in headings and "学习体会二" in headings
    assert "待审核的" not in everything
    assert any("张三" in text and "东一村" in text for text in texts)
    # Grouped by unit, with the unit's place in the tree.
    assert "城关县 / 东乡镇 / 东一村" in headings
    # Markdown became Word formatting, never raw HTML.
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert "加粗的话" in bold
    assert any(p.style.name == "List Bullet" and p.text == "第一条" for p in document.paragraphs)
    assert any(p.style.name == "Quote" and "引用群众的话" in p.text for p in document.paragraphs)
    assert any(p.style.name == "Heading 5" and p.text == "小标题" for p in document.paragraphs)
    assert "<script>" in everything  # typed text stays text
    assert "<strong>" not in everything and "**" not in everything


def test_town_organiser_docx_holds_only_their_subtree(client, topic, written, town_organiser):
    client.force_login(town_organiser)
    response = client.get(reverse("experiences:study_docx", args=[topic.pk]))
    everything = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "学习体会一" in everything and "学习体会二" not in everything


def test_xlsx_has_unit_and_member_sheets(client, tree, topic, written, county_organiser):
    member_in(tree["东二村"], username="=cmd|' /C calc'!A0", display_name="+SUM(1)")
    client.force_login(county_organiser)
    response = client.get(reverse("experiences:study_xlsx", args=[topic.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["单位", "成员"]
    units, members = workbook["单位"], workbook["成员"]
    assert [cell.value for cell in units[3]] == [
        "单位",
        "层级",
        "应参学人数",
        "已提交",
        "已通过",
        "完成率",
    ]
    assert units.freeze_panes == "A4" and members.freeze_panes == "A4"
    rows = {row[0].strip(): row[2:5] for row in units.iter_rows(min_row=4, values_only=True)}
    # 城关县: the county organiser, 东乡镇's organiser, 张三, 李四, 王, and the formula-named one.
    assert rows["城关县"] == (6, 3, 2)
    people = {row[1]: row for row in members.iter_rows(min_row=4, values_only=True)}
    assert people["zhang"][3] == "已通过" and people["wang"][3] == "已提交"
    hostile = people["'=cmd|' /C calc'!A0"]
    assert hostile[2] == "'+SUM(1)"
    assert all(cell.data_type != "f" for row in members.iter_rows() for cell in row)


def test_export_names_carry_the_title_safely(client, topic, county_organiser):
    topic.title = '学习"专题";\\ a'
    topic.save()
    client.force_login(county_organiser)
    response = client.get(reverse("experiences:study_xlsx", args=[topic.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="study-{topic.pk}.xlsx"; filename*=UTF-8')
    assert '"专题"' not in disposition and "%E5%AD%A6" in disposition
