"""Journey 4: search from the box on every page, land on the principle, see highlights."""

import pytest
from playwright.sync_api import expect

from experiences.reflections.services import reflection_create
from tests.browser.conftest import assert_fits_the_screen
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_search_finds_words_inside_sentences(live_server, seed_essay, page, snap):
    author = UserFactory(username="laoli", is_staff=True)
    reflection_create(
        author=author,
        principle=seed_essay.principles.get(position=3),
        title="驻村第一年",
        body="驻村帮扶要把网格化管理落到每一户。",
        tags=["驻村"],
    )
    page.goto(live_server.url + "/")
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill("原则")
    box.press("Enter")
    expect(page.locator(".count")).to_contain_text("共找到")
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_have_text("原则")
    assert_fits_the_screen(page)
    snap("search-results")
    page.locator(".search-result-principle", has_text="坚定原则").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("坚定原则")

    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill("网格化")
    box.press("Enter")
    result = page.locator(".search-result-reflection")
    expect(result).to_have_count(1)
    expect(result.locator(".result-snippet mark")).to_have_text("网格化")
    result.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("驻村第一年")
