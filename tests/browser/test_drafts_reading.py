"""Journeys for 草稿, 收藏 and 已学, with and without JavaScript (layout: phone and desktop)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.drafts.models import Draft
from experiences.reading.models import Bookmark, PrincipleRead
from experiences.reflections.models import Reflection
from tests.browser.conftest import assert_fits_the_screen, menu_open
from tests.browser.test_reflections import log_in
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def colleague(db):
    return UserFactory(username="xiaozhao", display_name="小赵")


@pytest.fixture
def no_js_page(browser, screen):
    context = browser.new_context(viewport=screen, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_typed_text_is_saved_and_restored_after_a_reload(
    live_server, seed_essay, colleague, page, snap
):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    log_in(page, base, colleague.username)
    page.goto(base + principle.get_absolute_url())
    form = page.locator("form.reflection-form")
    form.get_by_label("标题").fill("写到一半")
    form.get_by_label("心得正文").fill("群众的事再小也是大事\uff0c")
    expect(form.locator(".draft-status")).to_contain_text("草稿已保存", timeout=10000)
    assert Draft.objects.get(author=colleague, principle=principle).title == "写到一半"

    page.reload()
    form = page.locator("form.reflection-form")
    expect(form.locator(".draft-restored")).to_contain_text("已恢复")
    expect(form.get_by_label("心得正文")).to_have_value("群众的事再小也是大事\uff0c")
    expect(form.get_by_label("标题")).to_have_value("写到一半")
    assert_fits_the_screen(page)
    snap("draft-restored")

    # 存草稿 with JavaScript saves at once, without leaving the page.
    page.evaluate("window.__sameDocument = true")
    form.get_by_label("标题").fill("写到一半多")
    form.get_by_role("button", name="存草稿").click()
    expect(form.locator(".draft-status")).to_contain_text("草稿已保存")
    assert page.evaluate("window.__sameDocument") is True
    assert Draft.objects.get(author=colleague, principle=principle).title == "写到一半多"

    # 我的草稿 lists it; posting it deletes it.
    page.goto(base + reverse("experiences:draft_list"))
    expect(page.locator(".draft-card")).to_contain_text("写到一半")
    assert_fits_the_screen(page)
    page.get_by_role("link", name="继续写").click()
    form = page.locator("form.reflection-form")
    expect(form.get_by_label("标题")).to_have_value("写到一半多")
    form.get_by_label("心得正文").fill("群众的事再小也是大事。")
    form.get_by_role("button", name="发表心得").click()
    expect(page.locator("h1")).to_contain_text("写到一半多")
    assert Reflection.objects.filter(author=colleague).count() == 1
    assert not Draft.objects.exists()


def test_save_draft_without_javascript(live_server, seed_essay, colleague, no_js_page):
    page = no_js_page
    base = live_server.url
    principle = seed_essay.principles.get(position=2)
    log_in(page, base, colleague.username)
    page.goto(base + principle.get_absolute_url())
    form = page.locator("form.reflection-form")
    form.get_by_label("心得正文").fill("没有脚本也能存")
    form.get_by_role("button", name="存草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    expect(page.get_by_label("心得正文")).to_have_value("没有脚本也能存")
    expect(page.locator(".draft-restored")).to_contain_text("已恢复")
    assert_fits_the_screen(page)
    # Deleting it from 我的草稿.
    page.goto(base + reverse("experiences:draft_list"))
    page.get_by_role("button", name="删除草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已删除")
    assert not Draft.objects.exists()


def test_bookmark_without_javascript(live_server, seed_essay, colleague, no_js_page):
    page = no_js_page
    base = live_server.url
    principle = seed_essay.principles.get(position=3)
    log_in(page, base, colleague.username)
    page.goto(base + principle.get_absolute_url())
    page.locator(".reading-actions").get_by_role("button", name="收藏").click()
    expect(page.locator(".messages")).to_contain_text("已收藏")
    expect(page.locator(".reading-actions .bookmark-button")).to_have_text("取消收藏")
    assert Bookmark.objects.filter(user=colleague, principle=principle).exists()
    menu_open(page)
    page.get_by_role("link", name="收藏", exact=True).first.click()
    expect(page.locator(".bookmark-card")).to_contain_text(principle.baseline)
    assert_fits_the_screen(page)
    page.locator(".bookmark-card").get_by_role("button", name="取消收藏").click()
    expect(page.locator(".empty")).to_contain_text("还没有收藏")
    assert not Bookmark.objects.exists()


def test_bookmark_with_javascript_toggles_without_a_reload(
    live_server, seed_essay, colleague, page, snap
):
    base = live_server.url
    reflection = ReflectionFactory(principle=seed_essay.principles.get(position=1), title="好心得")
    log_in(page, base, colleague.username)
    page.goto(base + reflection.get_absolute_url())
    page.evaluate("window.__sameDocument = true")
    button = page.locator(".bookmark-form button")
    button.click()
    expect(button).to_have_text("取消收藏")
    expect(button).to_be_enabled()
    assert page.evaluate("window.__sameDocument") is True
    assert Bookmark.objects.filter(user=colleague, reflection=reflection).exists()
    assert_fits_the_screen(page)
    snap("reflection-bookmarked")
    button.click()
    expect(button).to_have_text("收藏")
    expect(button).to_be_enabled()
    assert page.evaluate("window.__sameDocument") is True
    assert not Bookmark.objects.exists()


SHORT_SCREEN_HEIGHT = 300


def test_reading_to_the_end_counts_on_home(live_server, seed_essay, colleague, page, screen, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    log_in(page, base, colleague.username)
    page.goto(base + "/")
    expect(page.locator("#principles-heading")).to_contain_text("已学 0/4")
    # Opened on a screen so short that the end of the text is well below the fold
    # whatever the fonts (a screen showing the principle whole counts it at once, as it
    # should): the check below must not depend on where the text happens to end.
    page.set_viewport_size({**screen, "height": SHORT_SCREEN_HEIGHT})
    page.goto(base + principle.get_absolute_url())
    # The page's own signal that its observer reported the end of the text out of view
    # (a page that counted it read on opening would have sent its POST instead).
    read_form = page.locator("form.read-form")
    expect(read_form).to_have_attribute("data-read-state", "watching")
    assert read_form.bounding_box()["y"] > 2 * SHORT_SCREEN_HEIGHT
    assert not PrincipleRead.objects.exists()
    page.set_viewport_size(screen)
    page.locator(".reading-actions").scroll_into_view_if_needed()
    expect(page.locator(".reading-actions .read-done")).to_contain_text("已学")
    assert PrincipleRead.objects.filter(user=colleague, principle=principle).count() == 1
    assert_fits_the_screen(page)
    snap("principle-read")
    page.goto(base + "/")
    expect(page.locator("#principles-heading")).to_contain_text("已学 1/4")
    expect(page.locator(".principle-card").first.locator(".badge-read")).to_be_visible()
    assert_fits_the_screen(page)
    snap("home-progress")


def test_mark_read_without_javascript(live_server, seed_essay, colleague, no_js_page):
    page = no_js_page
    base = live_server.url
    principle = seed_essay.principles.get(position=4)
    log_in(page, base, colleague.username)
    page.goto(base + principle.get_absolute_url())
    assert not PrincipleRead.objects.exists()
    page.get_by_role("button", name="标记为已学").click()
    expect(page.locator(".read-done")).to_contain_text("已学")
    page.goto(base + colleague.get_absolute_url())
    expect(page.locator(".my-reading")).to_contain_text("已学 1/4")
    assert_fits_the_screen(page)
