"""Journey: a moderator approves a reflection; its author sees the count, opens it, it is read."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.notifications.models import Notification
from tests.browser.conftest import assert_fits_the_screen, menu_open
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_reflections import PASSWORD, log_in
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_approval_is_counted_in_the_header_opened_and_read(
    live_server, seed_essay, page, browser, screen, snap
):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    author = UserFactory(username="xiaozhang", display_name="小张")
    reflection = ReflectionFactory(
        principle=principle, author=author, status="pending", title="先听群众把话说完"
    )
    log_in(page, base, "xiaozhang")
    header_link = page.locator(".site-nav .notifications-link")
    expect(header_link).to_have_text("通知")  # nothing unread yet

    # A moderator approves it in the admin, in another browser.
    UserFactory(username="banzhu", is_staff=True, is_superuser=True)
    moderator_context = browser.new_context(viewport=screen)
    admin = moderator_context.new_page()
    admin.goto(base + "/admin/")
    admin.get_by_label("用户名").fill("banzhu")
    admin.get_by_label("密码").fill(PASSWORD)
    admin.get_by_role("button", name="登录").click()
    admin.goto(base + reverse("admin:experiences_pendingreflection_changelist"))
    row = admin.locator("#result_list tbody tr", has_text="先听群众把话说完")
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name=re.compile("执行|Go")).click()
    expect(admin.locator(".messagelist")).to_contain_text("已发布 1 条心得")
    moderator_context.close()

    # The author's next page shows one unread in the header, without JavaScript's help.
    page.goto(base + reverse("experiences:home"))
    expect(header_link.locator(".notifications-unread")).to_contain_text("1")
    assert_fits_the_screen(page)
    # Also on a page shared by signed-in colleagues (core/shared_pages.py), twice: the
    # second comes from the shared copy, the count filled in for this viewer.
    for _ in range(2):
        page.goto(base + reverse("experiences:reflection_list"))
        expect(header_link.locator(".notifications-unread")).to_contain_text("1")
    menu_open(page)
    header_link.click()
    expect(page).to_have_url(base + reverse("experiences:notification_list"))
    item = page.locator(".notification", has_text="先听群众把话说完")
    expect(item.locator(".notification-badge")).to_have_text("未读")
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("notifications")

    # Opening it goes to the reflection and marks it read.
    item.get_by_role("button", name=re.compile("已通过审核")).click()
    expect(page).to_have_url(base + reflection.get_absolute_url())
    expect(page.locator(".site-nav .notifications-unread")).to_have_count(0)
    assert Notification.objects.get(recipient=author).read_at is not None
    page.goto(base + reverse("experiences:notification_list"))
    expect(page.locator(".notification-badge")).to_have_count(0)


def test_unsubscribe_from_the_mail_link_without_signing_in(live_server, db, page):
    from experiences.notifications.tasks import unsubscribe_token

    colleague = UserFactory(username="laoli", display_name="老李", email="laoli@example.cn")
    token = unsubscribe_token(user_id=colleague.pk)
    page.goto(live_server.url + reverse("experiences:notification_unsubscribe", args=[token]))
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="确认退订").click()
    expect(page.get_by_text("已为 老李 关闭邮件通知")).to_be_visible()
    colleague.refresh_from_db()
    assert colleague.email_notifications is False
