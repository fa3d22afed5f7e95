"""Journeys: replying, quoting a reply and 举报 one (layout at phone and desktop size)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.flags.models import Flag
from experiences.replies.models import Reply
from tests.browser.conftest import assert_fits_the_screen, menu_open
from tests.browser.test_reflections import log_in
from tests.factories import EstablishedUserFactory, FlagFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_reply_quote_and_flag(live_server, seed_essay, page, browser, screen, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(principle=principle, title="群众的事无小事")
    replier, quoter = UserFactory(username="laozhao"), UserFactory(username="xiaoqian")
    for colleague in (replier, quoter):
        ReflectionFactory(author=colleague, principle=principle)  # trusted: publish at once

    # 老赵 replies from the reflection's page.
    log_in(page, base, "laozhao")
    page.goto(base + reflection.get_absolute_url())
    form = page.locator("form.reply-form")
    form.get_by_label("回复内容").fill("")
    form.get_by_role("button", name="发表回复").click()
    expect(page.locator(".errorlist")).to_contain_text("请写下回复内容")
    form = page.locator("form.reply-form")
    form.get_by_label("回复内容").fill("说得对\uff0c**小事**连着民心。")
    form.get_by_role("button", name="发表回复").click()
    expect(page.locator(".messages")).to_contain_text("回复已发布")
    reply = page.locator(".reply", has_text="连着民心")
    expect(reply.locator("strong")).to_have_text("小事")
    assert_fits_the_screen(page)
    snap("reply-thread")
    menu_open(page)
    page.get_by_role("button", name="退出").click()

    # 小钱 quotes it, then flags it.
    log_in(page, base, "xiaoqian")
    page.goto(base + reflection.get_absolute_url())
    reply = page.locator(".reply", has_text="连着民心")
    reply.get_by_role("link", name="引用回复").click()
    expect(page.locator(".reply-quote")).to_contain_text("连着民心")
    assert_fits_the_screen(page)
    page.get_by_label("回复内容").fill("同意楼上。")
    page.get_by_role("button", name="发表回复").click()
    quoting = page.locator(".reply", has_text="同意楼上")
    expect(quoting.locator(".reply-quote")).to_contain_text("laozhao")
    expect(quoting.locator(".reply-quote")).to_contain_text("连着民心")
    assert Reply.objects.get(body="同意楼上。").quoted.body.startswith("说得对")

    page.locator(".reply", has_text="说得对").get_by_role("link", name="举报").click()
    page.get_by_label("其他").check()
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator(".errorlist")).to_contain_text("请写明理由")
    page.get_by_label("人身攻击").check()
    assert_fits_the_screen(page)
    snap("flag-form")
    page.get_by_role("button", name="提交举报").click()
    # Back on the reflection, at the reply (issue 31, item 8); the outcome on 我的举报.
    expect(page.locator(".messages")).to_contain_text("举报已收到")
    assert page.url.startswith(base + reflection.get_absolute_url() + "#reply-")
    page.goto(base + reverse("experiences:flag_list"))
    expect(page.get_by_role("heading", name="我的举报")).to_be_visible()
    expect(page.locator(".flag-item")).to_contain_text("人身攻击")
    expect(page.locator(".flag-outcome")).to_contain_text("待处理")
    assert_fits_the_screen(page)
    snap("my-flags")

    # 小钱's account is minutes old: her flag alone hides nothing (issue 25). Three
    # established colleagues flag it too: a visitor no longer sees it.
    flagged = Reply.objects.get(body__startswith="说得对")
    assert not flagged.flag_hidden
    for _ in range(3):
        FlagFactory(item=flagged, reporter=EstablishedUserFactory())
    assert Flag.objects.filter(reply=flagged).count() == 4
    visitor_context = browser.new_context(viewport=screen)
    visitor = visitor_context.new_page()
    visitor.goto(base + reflection.get_absolute_url())
    expect(visitor.locator(".reply", has_text="同意楼上")).to_be_visible()
    expect(visitor.locator(".reply", has_text="连着民心").locator(".reply-body")).to_have_count(0)
    expect(visitor.locator(".reply-quote")).to_contain_text("引用的回复已不可见")
    visitor_context.close()
