"""Issue 15: the first hour of a colleague, a moderator and an editor, at phone and desktop size."""

import pytest
from django.urls import reverse
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
    expect(page.get_by_role("button", name="退出")).to_be_visible()


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
    card = page.locator(".own-unpublished .reflection-card", has_text="我的第一条心得")
    expect(card).to_be_visible()
    expect(card.locator(".badge-pending")).to_have_text("待审核")
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
