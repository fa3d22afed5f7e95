"""Journeys (issue 27, items 6, 9, 10): a moderator given the role finds 管理 in the
header, the admin's tasks with their counts, and reviews a pending reply in one click;
a colleague sees no such link. Layout at phone and desktop size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.replies.models import Reply
from experiences.units.roles import role_grant
from tests.browser.conftest import menu_open
from tests.browser.test_reflections import log_in
from tests.factories import ReflectionFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_moderator_finds_the_admin_and_reviews_a_reply(
    live_server, seed_essay, roles, page, screen, snap
):
    base = live_server.url
    principle = seed_essay.principles.get(position=1)
    reflection = ReflectionFactory(principle=principle, title="群众的事无小事")
    first = ReplyFactory(reflection=reflection, body="这件事**很要紧**。", status="pending")
    second = ReplyFactory(reflection=reflection, body="第二条回复", status="pending")
    UserFactory(username="tongshi")
    moderator = UserFactory(username="banzhu", display_name="版主老周")
    role_grant(user=moderator, role="版主", actor=None)

    # A colleague: no 管理, no 工作台.
    log_in(page, base, "tongshi")
    page.goto(base + reverse("experiences:reflection_list"))
    menu_open(page)
    expect(page.locator(".site-nav").get_by_role("link", name="管理")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    # The moderator: 管理 in the header leads to the admin, arranged by task.
    log_in(page, base, "banzhu")
    page.goto(base + reverse("experiences:reflection_list"))
    menu_open(page)
    page.locator(".site-nav").get_by_role("link", name="管理").click()
    expect(page.locator("#content-main caption").first).to_have_text("审核")
    expect(page.locator(".pending-count")).to_contain_text("2 条回复待审核")
    snap("admin-index-moderator")

    page.goto(base + reverse("admin:experiences_pendingreply_change", args=[first.pk]))
    expect(page.locator(".review-body strong")).to_have_text("很要紧")
    expect(page.locator(".review-history")).to_contain_text("作者的记录")
    page.get_by_role("button", name="驳回").click()
    expect(page.locator(".errorlist")).to_contain_text("请填写驳回理由")
    # Django's own admin chrome is not held to the site's 44 px rule; the page must
    # still not scroll sideways on a phone.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    snap("reply-review")
    page.get_by_role("button", name="通过").click()
    expect(page.locator(".messagelist")).to_contain_text("已通过这条回复")
    # The next item opened by itself.
    assert page.url.endswith(reverse("admin:experiences_pendingreply_change", args=[second.pk]))
    assert Reply.objects.get(pk=first.pk).status == "published"
