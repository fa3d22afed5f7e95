"""The report on a phone (375 px): each unit a card, every figure on screen without
sideways scrolling; a unit without members shows —/无成员; the deadline is a rule (issue 28)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_the_screen
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_reflections import log_in
from tests.browser.test_study import study  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def screen():
    return PHONE


def test_every_report_figure_is_on_a_phone_screen(live_server, page, study, snap):  # noqa: F811
    _units, topic, _organiser, _member = study
    log_in(page, live_server.url, "zuzhi")
    page.goto(live_server.url + reverse("experiences:study_report", args=[topic.pk]))
    table = page.locator("table.study-cards")
    expect(table).to_be_visible()
    assert_fits_the_screen(page)
    # Nothing in the unit table scrolls sideways, not even inside its own box.
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.study-cards-wrap')]
            .map(el => el.scrollWidth - el.clientWidth).filter(px => px > 0)"""
    )
    assert hidden == []
    # Every figure (members, submitted, passed, 完成率) of every unit and the total is on screen.
    cells = page.evaluate(
        """() => [...document.querySelectorAll('table.study-cards td')].map(td => {
            const r = td.getBoundingClientRect();
            return [td.dataset.label, td.innerText, r.left, r.right];
        })"""
    )
    assert len(cells) == 4 * (5 + 1)  # 城关县, 东乡镇, 东一村, 东二村, 西乡镇 and 合计
    for label, text, left, right in cells:
        assert left >= 0 and right <= PHONE["width"], (label, text, left, right)
    rates = [text for label, text, *_ in cells if label == "完成率"]
    assert "50.0%" in "".join(rates)
    # 西乡镇 has nobody: —, 无成员, never 0.0%.
    west = table.get_by_role("row", name="西乡镇")
    expect(west).to_contain_text("无成员")
    expect(west).not_to_contain_text("0.0%")
    # The deadline is a dashed rule over its day, not a bar.
    marker = page.locator("figure.study-chart svg .due-marker line")
    expect(marker).to_have_count(1)
    assert marker.get_attribute("stroke-dasharray")
    assert serious_violations(page) == []
    snap("study-report-cards")
