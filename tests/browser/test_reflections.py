"""Journeys 2, 3, 5, 6: posting, moderation, 点赞 with and without JavaScript, bad input."""

import re

import pytest
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from playwright.sync_api import expect

from experiences.reflections.models import Reflection
from tests.browser.conftest import assert_fits_the_screen
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def log_in(page, base_url, username, password=PASSWORD):
    page.goto(base_url + reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # Signed in: the header offers 退出 (folded into the menu on a phone).
    expect(page.locator(f"form[action='{reverse('logout')}']")).to_be_attached()


def test_post_moderate_and_read(live_server, seed_essay, page, browser, screen, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)

    # A newcomer signs up.
    page.goto(base + reverse("signup"))
    page.get_by_label("用户名").fill("xiaozhang")
    page.get_by_label("显示名").fill("小张")
    page.get_by_label("单位/乡镇").fill("城关镇")
    page.get_by_label("密码\uff1a", exact=True).fill("Ganbu-2026-jiceng")
    page.get_by_label("密码确认").fill("Ganbu-2026-jiceng")
    page.get_by_label("我已阅读并同意").check()
    snap("signup")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功\uff0c欢迎\uff01")).to_be_visible()

    # Writes a reflection from the principle page, tags typed with a full-width comma.
    page.goto(base + principle.get_absolute_url())
    form = page.locator("form.reflection-form")
    expect(form.get_by_label("针对的原则")).to_have_value(str(principle.pk))
    form.get_by_label("标题").fill("人情要讲,原则更要守")
    form.get_by_label("心得正文").fill("群众的事再小也是**大事**。收礼的事再小也不能做。")
    form.get_by_label("标签").fill("群众工作,党性原则")
    form.get_by_role("button", name="发表心得").click()
    expect(page.locator(".notice-pending")).to_contain_text("待审核")
    assert_fits_the_screen(page)
    snap("reflection-pending")
    reflection = Reflection.objects.get(title="人情要讲,原则更要守")
    assert reflection.status == Reflection.Status.PENDING
    assert sorted(reflection.tags.names()) == sorted(["群众工作", "党性原则"])

    # A moderator approves it from the queue in the admin.
    UserFactory(username="banzhu", is_staff=True, is_superuser=True)
    moderator_context = browser.new_context(viewport=screen)
    admin = moderator_context.new_page()
    admin.goto(base + "/admin/")
    admin.get_by_label("用户名").fill("banzhu")
    admin.get_by_label("密码").fill(PASSWORD)
    admin.get_by_role("button", name="登录").click()
    admin.goto(base + reverse("admin:experiences_reflection_changelist") + "?status__exact=pending")
    row = admin.locator("#result_list tbody tr", has_text="人情要讲,原则更要守")
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name=re.compile("执行|Go")).click()
    expect(admin.locator(".messagelist")).to_contain_text("已发布 1 条心得")
    moderator_context.close()

    # An anonymous visitor now reads it under the principle.
    visitor_context = browser.new_context(viewport=screen)
    visitor = visitor_context.new_page()
    visitor.goto(base + principle.get_absolute_url())
    # Typed with an ASCII comma (stored so); pages show it full-width.
    card = visitor.locator(".reflection-card", has_text="人情要讲\uff0c原则更要守")
    expect(card).to_be_visible()
    # Cards show a plain-text excerpt; the formatting is on the reflection's own page.
    expect(card.locator(".reflection-excerpt")).to_have_text(
        "群众的事再小也是大事。收礼的事再小也不能做。"
    )
    expect(card.locator("strong")).to_have_count(0)
    assert_fits_the_screen(visitor)
    visitor_context.close()


def test_like_with_and_without_javascript(live_server, seed_essay, page, browser, screen, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=2)
    reflection = ReflectionFactory(principle=principle, title="甜嘴更要公心")
    UserFactory(username="laoli")

    log_in(page, base, "laoli")
    page.goto(base + principle.get_absolute_url())
    page.evaluate("window.__notReloaded = true")
    like = page.locator(f"#reflection-{reflection.pk} .like-button")
    expect(like.locator(".like-count")).to_have_text("0")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".like-count")).to_have_text("1")
    assert page.evaluate("window.__notReloaded") is True
    assert reflection.likes.count() == 1
    # Reloaded: the page is the copy shared by signed-in colleagues, with laoli's own state.
    page.reload()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".like-label")).to_have_text("已赞")
    assert_fits_the_screen(page)
    snap("principle-with-reflections")
    like.click()
    expect(like.locator(".like-count")).to_have_text("0")
    assert reflection.likes.count() == 0

    # The plain form, with JavaScript off.
    UserFactory(username="laozhao")
    context = browser.new_context(viewport=screen, java_script_enabled=False)
    plain = context.new_page()
    log_in(plain, base, "laozhao")
    plain.goto(base + reflection.get_absolute_url())
    plain.get_by_role("button", name=re.compile("点赞")).click()
    expect(plain.locator(".like-count")).to_have_text("1")
    expect(plain.locator(".like-button")).to_have_attribute("aria-pressed", "true")
    assert reflection.likes.count() == 1
    # On the principle page's card too: the form posts and comes back to the page.
    plain.goto(base + principle.get_absolute_url())
    card_like = plain.locator(f"#reflection-{reflection.pk} .like-button")
    expect(card_like).to_have_attribute("aria-pressed", "true")
    with plain.expect_navigation():  # the POST, then its redirect back
        card_like.click()
    expect(plain).to_have_url(base + iri_to_uri(principle.get_absolute_url()))
    expect(card_like).to_have_attribute("aria-pressed", "false")
    expect(card_like.locator(".like-count")).to_have_text("0")
    assert reflection.likes.count() == 0
    context.close()


def test_anonymous_like_goes_to_login_and_back(live_server, seed_essay, page):
    reflection = ReflectionFactory(principle=seed_essay.principles.first())
    UserFactory(username="laoli")
    page.goto(live_server.url + reflection.get_absolute_url())
    page.get_by_role("link", name=re.compile("登录后可点赞")).click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    page.get_by_label("用户名").fill("laoli")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(f"/reflections/{reflection.pk}/$"))
    # The 点赞 the visitor asked for is done, not asked for again.
    expect(page.locator(".like-button")).to_have_attribute("aria-pressed", "true")
    assert reflection.likes.count() == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_bad_input_gets_chinese_messages_and_keeps_text(
    live_server, seed_essay, page, browser, screen, snap, javascript
):
    UserFactory(username="xiaowang")
    context = browser.new_context(viewport=screen, java_script_enabled=javascript)
    tab = context.new_page()
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(tab, live_server.url, "xiaowang")
    tab.goto(live_server.url + reverse("experiences:reflection_create"))
    form = tab.locator("form.reflection-form")

    form.get_by_label("标题").fill("保留我的标题")
    form.get_by_label("心得正文").fill("   ")
    form.get_by_role("button", name="发表心得").click()
    expect(tab.get_by_text("请写下心得正文\uff0c不能为空。")).to_be_visible()
    expect(form.get_by_label("标题")).to_have_value("保留我的标题")

    long_body = "长" * 6000
    form.get_by_label("心得正文").fill(long_body)
    form.get_by_role("button", name="发表心得").click()
    expect(tab.get_by_text("正文最多 5000 个字\uff08现在 6000 个\uff09").first).to_be_visible()
    expect(form.get_by_label("心得正文")).to_have_value(long_body)
    assert_fits_the_screen(tab)
    if javascript:
        snap("reflection-form-errors")

    form.get_by_label("心得正文").fill('<script>alert("xss")</script><img src=x onerror=alert(1)>')
    form.get_by_role("button", name="发表心得").click()
    expect(tab.locator(".reflection-body")).to_contain_text('<script>alert("xss")</script>')
    assert dialogs == []
    assert Reflection.objects.count() == 1
    context.close()


def test_another_users_edit_url_is_refused(live_server, seed_essay, page, snap):
    reflection = ReflectionFactory(title="别人的心得")
    UserFactory(username="xiaowang")
    log_in(page, live_server.url, "xiaowang")
    response = page.goto(
        live_server.url + reverse("experiences:reflection_update", args=[reflection.pk])
    )
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    response = page.goto(
        live_server.url + reverse("experiences:reflection_delete", args=[reflection.pk])
    )
    assert response.status == 404
    assert Reflection.objects.filter(pk=reflection.pk).exists()


def test_reflection_list_and_profile_pages(live_server, seed_essay, page, snap):
    author = UserFactory(username="xiaowang", display_name="小王", unit="城关镇")
    for index in range(3):
        ReflectionFactory(
            author=author,
            principle=seed_essay.principles.first(),
            title=f"心得{index}",
            tags=["群众工作"],
        )
    page.goto(live_server.url + reverse("experiences:reflection_list"))
    expect(page.locator(".reflection-card")).to_have_count(3)
    assert_fits_the_screen(page)
    snap("reflection-list")
    page.locator(".reflection-card").first.get_by_role("link", name="小王").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("小王")
    assert_fits_the_screen(page)
    snap("profile")
    page.goto(live_server.url + reverse("login"))
    assert_fits_the_screen(page)
    snap("login")
