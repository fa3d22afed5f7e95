"""participation.xlsx goes straight into the file: title rows, 完成率 as a percentage, a 合计
row, wide enough columns, A4 landscape one page wide with the header rows on every page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(client, tree, topic, county_organiser):
    ReflectionFactory(
        author=member_in(tree["东一村"], username="zhang"),
        study_topic=topic,
        status=Reflection.Status.PUBLISHED,
    )
    member_in(tree["东一村"], username="li")
    member_in(tree["西一村"], username="wang")
    client.force_login(county_organiser)
    response = client.get(reverse("experiences:study_xlsx", args=[topic.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_title_rows_name_the_topic_scope_and_time(workbook, topic):
    for sheet in workbook.worksheets:
        assert sheet["A1"].value == f"《{topic.title}》参学情况"
        assert "范围\uff1a城关县" in sheet["A2"].value and "截至时间\uff1a" in sheet["A2"].value
        assert "年" in sheet["A2"].value.split("截至时间")[1]


def test_rate_is_a_percentage_and_a_total_row_closes_the_table(workbook):
    units = workbook["单位"]
    assert [cell.value for cell in units[3]][-1] == "完成率"
    rows = {row[0].value.strip(): row for row in units.iter_rows(min_row=4)}
    county = rows["城关县"]
    # 城关县: its organiser, 东乡镇's organiser, zhang, li, wang; one submitted.
    assert county[2].value == 5 and county[5].value == pytest.approx(0.2)
    assert county[5].number_format == "0.0%"
    total = next(iter(units.iter_rows(min_row=units.max_row)))
    assert total[0].value == "合计" and total[2].value == 5 and total[3].value == 1
    assert total[5].number_format == "0.0%" and total[0].font.bold
    # A unit with nobody in it has no rate, not 0.0%.
    assert rows["东二村"][5].value == "\u2014"


def test_columns_fit_chinese_headers_and_names(workbook):
    units = workbook["单位"]
    for cell in units[3]:
        width = units.column_dimensions[cell.column_letter].width
        assert width >= 2 * len(cell.value) + 2, cell.value
    assert units.column_dimensions["A"].width >= 2 * len("\u3000\u3000东一村")


def test_print_setup_is_a4_landscape_one_page_wide_with_titles_repeated(workbook):
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert str(setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
        assert setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert sheet.print_title_rows.replace("$", "") == "1:3"
        assert sheet.freeze_panes == "A4"
