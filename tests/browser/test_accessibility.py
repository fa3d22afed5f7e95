"""Accessibility: axe-core on every page type (no serious or critical violations), keyboard use."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from experiences.reflections.services import reflection_create
from tests.browser.conftest import AT_BOTH_SIZES
from tests.factories import ReflectionFactory, UserFactory

# Keyboard order and contrast depend on the layout (the header folds into 菜单 on a phone):
# every check here runs at both sizes.
pytestmark = [pytest.mark.browser, AT_BOTH_SIZES]

AXE = Axe()
PASSWORD = "correct-horse-battery"


def serious_violations(page):
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["html"][:120] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def site(live_server, seed_essay):
    principle = seed_essay.principles.get(position=1)
    principle.tags.add("群众工作")
    author = UserFactory(username="xiaowang", display_name="小王", unit="城关镇", is_staff=True)
    reflection_create(
        author=author,
        principle=principle,
        title="接访中的原则",
        body="**坚持**原则。",
        tags=["群众工作"],
    )
    ReflectionFactory(principle=principle, title="另一条")
    return {"base": live_server.url, "principle": principle, "author": author, "essay": seed_essay}


def log_in(page, base):
    page.goto(base + reverse("login"))
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # Signed in: the header offers 退出 (folded into the menu on a phone).
    expect(page.locator(f"form[action='{reverse('logout')}']")).to_be_attached()


def test_public_pages_have_no_serious_violations(site, page):
    base = site["base"]
    pages = {
        "home": "/",
        "principle": site["principle"].get_absolute_url(),
        "essay": site["essay"].get_absolute_url(),
        "tag list": reverse("experiences:tag_list"),
        "tag page": reverse("experiences:tag_detail", args=["群众工作"]),
        "reflection list": reverse("experiences:reflection_list"),
        "search results": reverse("experiences:search") + "?q=原则",
        "login": reverse("login"),
        "signup": reverse("signup"),
        "profile": site["author"].get_absolute_url(),
        "404": "/essays/不存在/",
    }
    failures = {}
    for name, url in pages.items():
        page.goto(base + url)
        found = serious_violations(page)
        if found:
            failures[name] = found
    assert failures == {}


def test_forms_with_errors_have_no_serious_violations(site, page):
    base = site["base"]
    log_in(page, base)
    page.goto(base + reverse("experiences:reflection_create"))
    page.get_by_role("button", name="发表心得").click()
    expect(page.get_by_text("请写下心得正文\uff0c不能为空。").first).to_be_visible()
    assert serious_violations(page) == []
    page.goto(base + reverse("profile_edit"))
    assert serious_violations(page) == []


def test_every_action_is_reachable_by_keyboard_with_visible_focus(site, page):
    base = site["base"]
    page.goto(base + site["principle"].get_absolute_url())
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (el === document.body) return null;  // focus left the page (end of cycle)
                const style = getComputedStyle(el);
                return {
                    text: (el.textContent || el.value || el.name || '').trim().slice(0, 20),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                    shadow: style.boxShadow !== 'none',
                };
            }"""
        )
        if focused is None:
            continue
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused['text']}"
        if focused["text"] == "菜单" and "菜单" not in seen:
            page.keyboard.press("Enter")  # a phone's header folds its links into this menu
        seen.add(focused["text"])
    for label in ("跳到正文", "首页", "心得", "标签", "登录", "群众工作", "最多点赞", "点赞"):
        assert any(text.startswith(label) for text in seen), f"{label} not reachable: {seen}"
