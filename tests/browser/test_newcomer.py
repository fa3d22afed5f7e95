"""Issue 15: the first hour of a colleague, a moderator and an editor (layout: phone, desktop)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.reflections.models import Reflection
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_fits_the_screen,
    menu_open,
    screenshots,
)
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


def test_author_finds_own_pending_reflection_on_the_principle(live_server, seed_essay, page, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    UserFactory(username="xinren")
    log_in(page, base, "xinren")
    page.goto(base + principle.get_absolute_url())
    form = page.locator("form.reflection-form")
    form.get_by_label("标题").fill("我的第一条心得")
    form.get_by_label("心得正文").fill("先听群众说完\uff0c再讲道理。")
    form.get_by_role("button", name="发表心得").click()
    expect(page.locator(".notice-pending")).to_be_visible()
    assert Reflection.objects.get(title="我的第一条心得").status == Reflection.Status.PENDING

    page.goto(base + principle.get_absolute_url())
    card = page.locator(".reflection-card", has_text="我的第一条心得")
    expect(card).to_be_visible()
    expect(card.locator(".badge-pending")).to_have_text("待审核")
    expect(card.locator(".review-note")).to_contain_text("只有你和版主能看到")
    expect(page.get_by_text("还没有人写下对这条原则的心得")).to_have_count(0)
    assert_fits_the_screen(page)
    snap("principle-own-pending")

    # Rejected with a reason: the author reads it on the card.
    Reflection.objects.filter(title="我的第一条心得").update(
        status=Reflection.Status.REJECTED, rejection_reason="请写得具体一些"
    )
    page.reload()
    expect(card.locator(".review-note")).to_contain_text("请写得具体一些")


def test_visitor_does_not_see_others_pending(live_server, seed_essay, page):
    principle = seed_essay.principles.get(position=1)
    ReflectionFactory(principle=principle, title="别人的待审", status=Reflection.Status.PENDING)
    page.goto(live_server.url + principle.get_absolute_url())
    expect(page.get_by_text("还没有人写下对这条原则的心得")).to_be_visible()
    expect(page.get_by_text("别人的待审")).to_have_count(0)


def test_visitor_like_is_explained_and_completed_after_login(live_server, seed_essay, page, snap):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    ReflectionFactory(principle=principle, title="值得点赞的心得")
    UserFactory(username="fangke")
    page.goto(base + principle.get_absolute_url())
    card = page.locator(".reflection-card", has_text="值得点赞的心得")
    card.locator(".like-button").click()
    expect(page.locator(".messages")).to_contain_text("登录后即可点赞")
    assert_fits_the_screen(page)
    snap("login-to-like")
    page.get_by_label("用户名").fill("fangke")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".messages")).to_contain_text("点赞")
    card = page.locator(".reflection-card", has_text="值得点赞的心得")
    expect(card.locator(".like-button")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".like-count")).to_have_text("1")
    assert page.url.endswith(f"#reflection-{card_pk(card)}")
    expect(card).to_be_in_viewport()


def card_pk(card):
    return int(card.get_attribute("id").removeprefix("reflection-"))


def test_write_after_login_lands_at_the_form(live_server, seed_essay, page):
    base = live_server.url
    principle = seed_essay.principles.get(position=2)
    UserFactory(username="xiezhe")
    page.goto(base + principle.get_absolute_url())
    page.get_by_role("link", name="登录后写心得").click()
    page.get_by_label("用户名").fill("xiezhe")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("form.reflection-form")).to_be_visible()
    assert page.url.endswith("#write-heading")
    expect(page.locator("#write-heading")).to_be_in_viewport()


def test_signup_errors_are_summarised_at_the_top_and_focused(live_server, page, snap):
    UserFactory(username="taken")
    page.goto(live_server.url + reverse("signup"))
    page.get_by_label("用户名").fill("taken")
    page.get_by_label("电子邮箱").fill("bad")
    page.get_by_label("密码\uff1a", exact=True).fill("Ganbu-2026-jiceng")
    page.get_by_label("密码确认").fill("Ganbu-2026-jiceng")
    page.get_by_role("button", name="注册").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("用户名\uff1a这个用户名已被使用")
    expect(summary).to_contain_text("电子邮箱\uff1a电子邮箱的格式不对")
    expect(summary).to_contain_text("请先阅读并同意")
    assert_fits_the_screen(page)
    snap("signup-errors")
    summary.get_by_role("link", name="电子邮箱").click()
    expect(page.get_by_label("电子邮箱")).to_be_focused()
    expect(page.get_by_label("电子邮箱")).to_have_value("bad")


NARROW = {"width": 320, "height": 640}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_compact_header_menu(live_server, seed_essay, browser, javascript):
    UserFactory(username="xiaowang")
    sizes = [NARROW, PHONE, DESKTOP]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    log_in_visible = page.goto(live_server.url + reverse("login"))
    assert log_in_visible.status == 200
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    for size in sizes:
        page.set_viewport_size(size)
        page.goto(live_server.url + "/")
        header = page.locator(".site-header").bounding_box()
        menu = page.locator(".site-menu-toggle")
        logout = page.get_by_role("button", name="退出")
        if size["width"] < 640:
            # One row: the name and the menu button; the first principle shows on the first screen.
            assert header["height"] <= 64, header
            expect(logout).to_be_hidden()
            expect(page.locator(".principle-card").first).to_be_in_viewport()
            assert_fits_the_screen(page)
            if javascript:
                # An unread count folded into the closed menu marks its toggle.
                dot = "el => getComputedStyle(el, '::after').content"
                assert menu.evaluate(dot) in ("none", "normal")
                unread = (
                    '<a class="notifications-link"><span class="notifications-unread">1</span></a>'
                )
                page.evaluate(
                    "html => document.querySelector('.site-nav')"
                    ".insertAdjacentHTML('beforeend', html)",
                    unread,
                )
                assert menu.evaluate(dot) == '""'
            menu_open(page)
            expect(logout).to_be_visible()
            page.get_by_role("link", name="写心得").click()
            expect(page).to_have_url(live_server.url + reverse("experiences:reflection_create"))
        else:
            expect(menu).to_be_hidden()
            expect(logout).to_be_visible()
            assert header["height"] <= 64, header
            boxes = [
                page.get_by_role("link", name=name, exact=True).bounding_box()
                for name in ["首页", "写心得", "我的"]
            ]
            # The links stay on one row, in their order.
            assert len({round(box["y"]) for box in boxes}) == 1
            assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    context.close()


def test_home_essay_index_and_essay_contents(live_server, seed_essay, page, snap):
    from experiences.essays.models import Essay
    from tests.factories import EssayFactory, PrincipleFactory

    newer = EssayFactory(title="社区工作的几点体会")
    PrincipleFactory(essay=newer, baseline="守正", emphasis="创新")
    Essay.objects.filter(pk=seed_essay.pk).update(created_at=newer.created_at.replace(year=2020))
    page.goto(live_server.url + "/")
    cards = page.locator(".essay-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("社区工作的几点体会")
    assert_fits_the_screen(page)
    snap("home-essay-index")
    cards.first.get_by_role("link", name="守正").click()
    expect(page.locator("h1.principle-heading")).to_contain_text("守正")

    page.goto(live_server.url + seed_essay.get_absolute_url())
    toc = page.locator(".essay-toc")
    expect(toc.get_by_role("link")).to_have_count(5)
    assert_fits_the_screen(page)
    toc.get_by_role("link", name="问题意识").click()
    assert page.url.endswith("#principle-4")
    expect(page.locator("#principle-4 h2")).to_be_in_viewport()


def admin_log_in(page, base_url, username):
    page.goto(base_url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_moderator_decides_on_the_item_page_in_one_click(
    live_server, seed_essay, roles, page, snap
):
    from django.contrib.auth.models import Group

    from experiences.reflections.models import ModerationLog

    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(
        principle=principle,
        title="待审的心得",
        body="群众的事再小也是**大事**。",
        status=Reflection.Status.PENDING,
        tags=["群众工作"],
    )
    moderator = UserFactory(username="banzhu", is_staff=True)
    moderator.groups.add(Group.objects.get(name="版主"))
    admin_log_in(page, live_server.url, "banzhu")
    page.goto(live_server.url + reverse("admin:experiences_pendingreflection_changelist"))
    page.get_by_role("link", name="待审的心得").click()
    body = page.locator(".review-body")
    expect(body.locator("strong")).to_have_text("大事")
    expect(page.locator(".review-tags")).to_contain_text("群众工作")
    assert_fits_the_screen_admin(page)
    snap("admin-review")
    page.get_by_role("button", name="通过并设为精选").click()
    expect(page.locator(".messagelist")).to_contain_text("已通过")
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.PUBLISHED and reflection.is_featured
    assert set(ModerationLog.objects.values_list("action", flat=True)) == {"approve", "feature"}


def assert_fits_the_screen_admin(page):
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"
    for name in ["通过", "通过并设为精选", "驳回"]:
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)


def test_admin_index_shows_the_queue_length_in_chinese(live_server, seed_essay, roles, page, snap):
    from django.contrib.auth.models import Group

    principle = seed_essay.principles.get(position=1)
    ReflectionFactory.create_batch(2, principle=principle, status=Reflection.Status.PENDING)
    moderator = UserFactory(username="banzhu", is_staff=True)
    moderator.groups.add(Group.objects.get(name="版主"))
    admin_log_in(page, live_server.url, "banzhu")
    link = page.get_by_role("link", name="2 条心得待审核")
    expect(link).to_be_visible()
    expect(page.get_by_text("AXES")).to_have_count(0)
    snap("admin-index")
    link.click()
    expect(page.locator("#result_list")).to_be_visible()


def test_queue_on_a_phone_shows_date_and_plain_excerpt(live_server, seed_essay, roles, page, snap):
    from django.contrib.auth.models import Group

    principle = seed_essay.principles.get(position=1)
    ReflectionFactory(
        principle=principle,
        title="手机上审核",
        body="群众的事再小也是**大事**\uff0c要一件一件办好。",
        status=Reflection.Status.PENDING,
    )
    moderator = UserFactory(username="banzhu", is_staff=True)
    moderator.groups.add(Group.objects.get(name="版主"))
    admin_log_in(page, live_server.url, "banzhu")
    page.goto(live_server.url + reverse("admin:experiences_pendingreflection_changelist"))
    item = page.locator("#result_list td.field-queue_item").first
    expect(item.locator(".queue-excerpt")).to_have_text(
        "群众的事再小也是大事\uff0c要一件一件办好。"
    )
    expect(item.locator(".queue-meta")).to_contain_text("年")
    width = page.viewport_size["width"]
    for part in (".queue-title", ".queue-meta", ".queue-excerpt"):
        box = item.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (part, box)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"queue scrolls sideways by {overflow}px"
    snap("admin-queue")
    item.get_by_role("link", name="手机上审核").click()
    expect(page.locator(".review-body strong")).to_have_text("大事")


def test_editor_imports_with_tags_and_previews_the_draft(live_server, roles, page, snap):
    from django.contrib.auth.models import Group

    from experiences.essays.models import Essay
    from tests.essays.test_importer import VARIANT_ESSAY

    editor = UserFactory(username="bianji", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    admin_log_in(page, live_server.url, "bianji")
    page.goto(live_server.url + reverse("admin:experiences_essay_import"))
    page.get_by_label("原文").fill(VARIANT_ESSAY)
    page.get_by_role("button", name="预览").click()
    page.locator("#tags-1").fill("群众工作 作风建设")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator(".messagelist")).to_contain_text("已保存为草稿")
    essay = Essay.objects.get()
    assert sorted(essay.principles.get(position=1).tags.names()) == ["作风建设", "群众工作"]
    page.locator("a.viewsitelink").click()
    expect(page.locator(".draft-banner")).to_contain_text("草稿")
    assert_fits_the_screen(page)
    snap("essay-draft-preview")


def test_essay_edit_form_fits_the_screen(live_server, seed_essay, roles, page, snap):
    from django.contrib.auth.models import Group

    editor = UserFactory(username="bianji", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    admin_log_in(page, live_server.url, "bianji")
    page.goto(live_server.url + reverse("admin:experiences_essay_change", args=[seed_essay.pk]))
    expect(page.locator("#principles-group")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the edit form scrolls sideways by {overflow}px"
    snap("admin-essay-edit")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_preview_shows_emphasis_dots_and_quote_bar(
    live_server, seed_essay, browser, screen, javascript
):
    UserFactory(username="xiezhe")
    context = browser.new_context(viewport=screen, java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, live_server.url, "xiezhe")
    page.goto(live_server.url + reverse("experiences:reflection_create"))
    expect(page.locator(".writing-tips")).to_contain_text("**加粗**")
    page.get_by_label("心得正文").fill("要*一件一件*办好。\n\n> 民之所忧\uff0c我必念之")
    page.get_by_role("button", name="预览").click()
    preview = page.locator("#reflection-preview")
    expect(preview).to_be_visible()
    assert page.url.endswith("#reflection-preview")
    emphasis = preview.locator("em")
    expect(emphasis).to_have_text("一件一件")
    style = emphasis.evaluate(
        "el => [getComputedStyle(el).fontStyle, getComputedStyle(el).textEmphasisStyle]"
    )
    assert style[0] == "normal" and "dot" in style[1], style
    quote = preview.locator("blockquote")
    assert float(quote.evaluate("el => parseFloat(getComputedStyle(el).borderLeftWidth)")) >= 3
    # Nothing stored yet; the text is still in the box, and 发表心得 stores it once.
    assert not Reflection.objects.exists()
    expect(page.get_by_label("心得正文")).to_have_value(
        "要*一件一件*办好。\n\n> 民之所忧\uff0c我必念之"
    )
    assert_fits_the_screen(page)
    screenshots(page, f"reflection-preview-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="发表心得").click()
    expect(page.locator(".reflection-body em")).to_have_text("一件一件")
    assert Reflection.objects.count() == 1
    context.close()
