"""Issue 31: the first hour, second pass, at phone (375 px) and desktop (1280 px) size.

Each test names the issue's item it proves.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_fits_the_screen, menu_open
from tests.browser.test_reflections import PASSWORD, log_in
from tests.factories import NotificationFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_item1_icons_and_no_console_error(live_server, seed_essay, page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(live_server.url + seed_essay.principles.get(position=1).get_absolute_url())
    page.wait_for_load_state("load")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    for path in (icon, "/favicon.ico", "/apple-touch-icon.png", "/site.webmanifest"):
        assert page.request.get(live_server.url + path).status == 200, path
    manifest = page.request.get(live_server.url + "/site.webmanifest").json()
    for entry in manifest["icons"]:
        assert page.request.get(live_server.url + entry["src"]).status == 200
    assert errors == []


def test_item2_subscribe_is_linked_and_explained(live_server, seed_essay, page, snap):
    principle = seed_essay.principles.get(position=1)
    ReflectionFactory(principle=principle, tags=["群众工作"])
    page.goto(live_server.url + principle.get_absolute_url())
    page.get_by_role("link", name="订阅这条原则的新心得").click()
    expect(page.locator("h1")).to_contain_text("订阅")
    feed = reverse("experiences:feed_principle", args=[principle.pk])
    expect(page.get_by_label("订阅地址")).to_have_value(f"http://127.0.0.1:8000{feed}")
    expect(page.locator("main")).to_contain_text("阅读器")
    assert_fits_the_screen(page)
    snap("subscribe")
    page.goto(live_server.url + reverse("experiences:tag_detail", args=["群众工作"]))
    page.get_by_role("link", name="订阅这个标签的新心得").click()
    expect(page.locator("h1")).to_contain_text("群众工作")


def test_item3_no_justified_text(live_server, seed_essay, page):
    principle = seed_essay.principles.get(position=1)
    ReflectionFactory(principle=principle, body="短短一句话\uff0c见 https://www.gov.cn/zhengce/")
    for url in ("/", principle.get_absolute_url(), reverse("experiences:reflection_list")):
        page.goto(live_server.url + url)
        justified = page.evaluate(
            """() => [...document.querySelectorAll('main p, main li, main blockquote')]
                .filter(el => getComputedStyle(el).textAlign === 'justify').length"""
        )
        assert justified == 0, url


def test_item7_header_with_an_unread_count(live_server, seed_essay, browser):
    """At 1280 and 768 px one row (the name unwrapped, 退出 beside the rest); at 375 px the
    links, the count among them, fold into the 菜单."""
    user = UserFactory(username="xiaowang")
    NotificationFactory.create_batch(12, recipient=user)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "xiaowang")
    for width in (1280, 768, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64, (width, header)
        name = page.locator(".site-name").bounding_box()
        assert name["height"] <= 48, (width, name)  # 基层心得知识库 on one line
        logout = page.get_by_role("button", name="退出")
        if width < 720:
            expect(logout).to_be_hidden()
            menu_open(page)
            expect(page.locator(".notifications-unread")).to_contain_text("12")
            expect(logout).to_be_visible()
        else:
            expect(page.locator(".notifications-unread")).to_contain_text("12")
            rows = {
                round(page.get_by_role(role, name=label, exact=True).bounding_box()["y"])
                for role, label in [("link", "首页"), ("link", "我的"), ("button", "退出")]
            }
            assert len(rows) == 1, (width, rows)
        assert_fits_the_screen(page)
        page.screenshot(path=str(SCREENSHOTS / f"header-unread-{width}.png"))
    context.close()


def test_item8_signup_from_a_principle_comes_back_to_it(live_server, seed_essay, page):
    principle = seed_essay.principles.get(position=2)
    page.goto(live_server.url + principle.get_absolute_url())
    menu_open(page)
    page.locator(".site-nav").get_by_role("link", name="注册").click()
    page.get_by_label("用户名").fill("xinren")
    page.get_by_label("密码\uff1a", exact=True).fill("Ganbu-2026-jiceng")
    page.get_by_label("密码确认").fill("Ganbu-2026-jiceng")
    page.locator("input[name=privacy_consent]").check()
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".messages")).to_contain_text("注册成功")
    assert page.url == live_server.url + principle.get_absolute_url()


def test_item8_flag_lands_back_on_the_reflection(live_server, seed_essay, page):
    reflection = ReflectionFactory(principle=seed_essay.principles.get(position=1))
    UserFactory(username="jubao")
    log_in(page, live_server.url, "jubao")
    page.goto(live_server.url + reflection.get_absolute_url())
    page.get_by_role("link", name="举报这条心得").click()
    page.get_by_label("垃圾广告").check()
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator(".messages")).to_contain_text("举报已收到")
    assert page.url == live_server.url + reflection.get_absolute_url()
    assert_fits_the_screen(page)


def test_item9_labels_and_one_writing_help(live_server, seed_essay, page, snap):
    page.goto(live_server.url + reverse("signup"))
    labels = page.locator("form label:not(.consent-label)").all_inner_texts()
    assert labels and all(not text.strip().endswith(":") for text in labels), labels
    expect(page.locator("label[for=id_username]")).to_have_text("用户名\uff1a")
    reflection = ReflectionFactory(principle=seed_essay.principles.get(position=1))
    UserFactory(username="huifu")
    log_in(page, live_server.url, "huifu")
    page.goto(live_server.url + reflection.get_absolute_url())
    form = page.locator("form.reply-form")
    expect(form).not_to_contain_text("斜体")
    expect(form.locator(".writing-tips")).to_contain_text("着重")
    emphasis = form.locator(".writing-tips em")
    assert emphasis.evaluate("el => getComputedStyle(el).fontStyle") == "normal"
    assert_fits_the_screen(page)
    snap("reply-form-help")


def test_item10_own_reflection_liked_as_a_visitor_says_why(live_server, seed_essay, page):
    principle = seed_essay.principles.get(position=1)
    author = UserFactory(username="zuozhe")
    ReflectionFactory(principle=principle, author=author, title="我自己的心得")
    page.goto(live_server.url + principle.get_absolute_url())
    card = page.locator(".reflection-card", has_text="我自己的心得")
    card.locator(".like-button").click()
    page.get_by_label("用户名").fill("zuozhe")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".messages")).to_contain_text("不能给自己点赞")
    card = page.locator(".reflection-card", has_text="我自己的心得")
    expect(card.locator(".like-count")).to_have_text("0")
    assert_fits_the_screen(page)
