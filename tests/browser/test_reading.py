"""Journey 1 (reading part): a newcomer reads the home page, a principle and the essay."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_screen

pytestmark = pytest.mark.browser


def test_newcomer_reads_the_essay(live_server, seed_essay, page, snap):
    principle = seed_essay.principles.get(position=1)
    principle.tags.add("群众工作", "党性原则")

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("基层心得知识库"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    cards = page.locator(".principle-card")
    expect(cards).to_have_count(4)
    for index, (baseline, emphasis) in enumerate(
        [
            ("人情世故", "坚定原则"),
            ("苦口婆心", "甜嘴公心"),
            ("多面手", "专一招"),
            ("问题意识", "过程哲学"),
        ]
    ):
        expect(cards.nth(index)).to_contain_text(baseline)
        expect(cards.nth(index)).to_contain_text(emphasis)
    assert_fits_the_screen(page)
    snap("home")

    cards.first.locator(".card-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("既要「人情世故」\uff0c\\s*更要「坚定原则」")
    )
    expect(page.locator(".tag")).to_have_text(["党性原则", "群众工作"])
    assert_fits_the_screen(page)
    snap("principle")

    # Follows a tag to its page, then comes back.
    page.locator(".principle .tags").get_by_role("link", name="群众工作").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("标签\uff1a群众工作")
    expect(page.locator(".principle-card")).to_contain_text("人情世故")
    assert_fits_the_screen(page)
    snap("tag")
    page.go_back()

    page.get_by_role("link", name=re.compile("下一条")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("苦口婆心")
    quotations = page.locator("figure.quotation")
    expect(quotations).to_have_count(2)
    expect(quotations.nth(1)).to_contain_text("一个健全的心态\uff0c比一百种智慧更有力量。")
    expect(quotations.nth(1).locator("figcaption")).to_contain_text("狄更斯")

    page.get_by_role("link", name="基层干部的心得体会").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("坚定原则"))).to_be_visible()
    expect(page.locator("article.essay")).to_contain_text("去服务\uff1b群众整体")
    assert_fits_the_screen(page)
    snap("essay")


def test_skip_link_is_the_first_tab_stop(live_server, seed_essay, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_unknown_page_is_a_chinese_404(live_server, seed_essay, page, snap):
    response = page.goto(live_server.url + "/essays/不存在的文章/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    assert_fits_the_screen(page)
    snap("404")
