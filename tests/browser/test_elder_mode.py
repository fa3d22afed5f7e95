"""长辈模式 (大字版), 高对比 and 朗读 (issue 30) in a real browser at 375 px.

The figures of 《互联网网站适老化通用设计规范》 are read from computed styles:
body text >= 22 px and tap targets >= 60 x 60 px in 长辈模式; line height >= 1.3;
paragraph gaps >= 1.3 x the line spacing; contrast >= 4.5:1 (7:1 with 高对比);
a visible focus outline on every action the keyboard reaches. axe-core runs in
every mode. Speech is observed through the page: window.speechSynthesis is
replaced by a recorder (Debian's headless Chromium has no voices).
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from experiences.core.display import COOKIE
from experiences.reflections.models import Reflection
from experiences.reflections.services import reflection_create
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

AXE = Axe()
PASSWORD = "correct-horse-battery"
MODES = {
    "normal": "standard",
    "elder": "elder",
    "high": "standard-high",
    "elder-high": "elder-high",
}

HERE = Path(__file__).resolve().parent
SPEECH_STUB = (HERE / "speech_stub.js").read_text(encoding="utf-8")
CHINESE = SPEECH_STUB.replace("VOICES", "[{ lang: 'zh-CN', name: 'Stub 中文' }]")
NO_CHINESE = SPEECH_STUB.replace("VOICES", "[{ lang: 'en-US', name: 'Stub English' }]")

HELPERS = (HERE / "elder_mode.js").read_text(encoding="utf-8")


@pytest.fixture
def site(live_server, seed_essay):
    principle = seed_essay.principles.get(position=1)
    principle.tags.add("群众工作")
    author = UserFactory(username="laozhang", display_name="老张", unit="城关镇", is_staff=True)
    reflection, _ = reflection_create(
        author=author,
        principle=principle,
        title="接访中的原则",
        body="群众的事再小也是大事。收礼的事再小也不能做\uff01\n\n第二段\uff1a**坚持**原则\uff0c也讲方法。",
        tags=["群众工作"],
    )
    return {
        "base": live_server.url,
        "principle": principle,
        "reflection": reflection,
        "essay": seed_essay,
        "author": author,
    }


def new_page(browser, site, mode=None, *, speech=CHINESE, viewport=PHONE, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    if mode is not None:
        context.add_cookies([{"name": COOKIE, "value": MODES[mode], "url": site["base"]}])
    context.add_init_script(speech)
    context.add_init_script(HELPERS)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def log_in(page, site, username="laozhang"):
    page.goto(site["base"] + reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(f"form[action='{reverse('logout')}']")).to_be_attached()


def pages_to_check(site):
    return {
        "home": "/",
        "principle": site["principle"].get_absolute_url(),
        "essay": site["essay"].get_absolute_url(),
        "reflection": site["reflection"].get_absolute_url(),
        "reflection list": reverse("experiences:reflection_list"),
        "tag page": reverse("experiences:tag_detail", args=["群众工作"]),
        "search": reverse("experiences:search") + "?q=原则",
        "login": reverse("login"),
        "display settings": reverse("experiences:display_switch"),
    }


SIGNED_IN_PAGES = ("principle", "reflection", "write")


def signed_in_urls(site):
    return {
        "principle": site["principle"].get_absolute_url(),
        "reflection": site["reflection"].get_absolute_url(),
        "write": reverse("experiences:reflection_create"),
    }


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {problem}" for page, found in failures.items() for problem in found)


def html_class(page) -> str:
    return page.evaluate("document.documentElement.className")


# ---- 1. The switch, the first-visit offer, what 长辈模式 is ------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_header_switch_works_without_javascript(browser, site, javascript):
    page = new_page(browser, site, javascript=javascript)
    url = site["base"] + site["principle"].get_absolute_url()
    page.goto(url)
    switch = page.locator(".site-header .display-switch-button")
    expect(switch).to_be_visible()
    expect(switch).to_have_accessible_name(re.compile("^大字.*长辈模式"))
    switch.click()
    expect(page.locator("html.mode-elder")).to_be_attached()
    assert page.url == url
    # Remembered: another page, still 长辈模式.
    page.goto(site["base"] + "/")
    expect(page.locator("html.mode-elder")).to_be_attached()
    page.locator(".site-header .display-switch-button").click()  # 标准字
    expect(page.locator("html")).not_to_have_class("mode-elder")
    # The header keeps one row at 320 px with the switch in it (the menu stays folded).
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.locator(".site-header").bounding_box()["height"] <= 64
    expect(page.locator(".principle-card").first).to_be_in_viewport()


def test_offered_once_on_a_phone_and_never_on_a_desktop(browser, site):
    desktop = new_page(browser, site, viewport=DESKTOP)
    desktop.goto(site["base"] + "/")
    expect(desktop.locator(".display-offer")).to_be_hidden()

    phone = new_page(browser, site)
    phone.goto(site["base"] + "/")
    offer = phone.locator(".display-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("长辈模式")
    assert phone.locator("[role=dialog], dialog").count() == 0  # a banner, not a pop-up
    offer.get_by_role("button", name="不用了").click()
    expect(phone.locator(".display-offer")).to_have_count(0)
    phone.goto(site["base"] + site["principle"].get_absolute_url())
    expect(phone.locator(".display-offer")).to_have_count(0)
    assert html_class(phone) == ""

    taker = new_page(browser, site)
    taker.goto(site["base"] + "/")
    taker.locator(".display-offer").get_by_role("button", name="打开长辈模式").click()
    expect(taker.locator("html.mode-elder")).to_be_attached()
    expect(taker.locator(".display-offer")).to_have_count(0)


def test_elder_mode_is_large_one_column_and_the_same_content(browser, site):
    failures = {}
    for viewport in (PHONE, DESKTOP):
        normal = new_page(browser, site, "normal", viewport=viewport)
        elder = new_page(browser, site, "elder", viewport=viewport)
        for name, url in pages_to_check(site).items():
            normal.goto(site["base"] + url)
            elder.goto(site["base"] + url)
            assert elder.evaluate("document.documentElement.className") == "mode-elder"
            # The same content: the same text, the same links and actions.
            same = "window.__kb.sameContent()"
            assert elder.evaluate(same) == normal.evaluate(same), name
            found = elder.evaluate("window.__kb.figures()")
            if found:
                failures[f"{name} {viewport['width']}"] = found
    assert not failures, report(failures)


# ---- 2, 5. Spacing, contrast, focus, axe, keyboard in every mode --------------------------


MEASURE = "(minimum) => window.__kb.measure(minimum)"

FOCUS = "window.__kb.focus()"


def violations(page):
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["html"][:100] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def check_keyboard(page):
    """Tab reaches every visible action, each with a visible focus outline (>= 3:1)."""
    toggle = page.locator(".site-menu-toggle")
    if toggle.is_visible():  # a phone's header folds its links: open it by keyboard
        toggle.focus()
        page.keyboard.press("Enter")
    count = page.evaluate("window.__kb.markActions()")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    reached, problems = set(), []
    for _ in range(count * 2 + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None or focused["id"] is None:
            continue
        if focused["id"] in reached and len(reached) == count:
            break
        reached.add(focused["id"])
        if not focused["visible"] or focused["contrast"] < 3:
            problems.append(f"focus {focused['name']} (outline contrast {focused['contrast']:.2f})")
    missing = page.evaluate("(seen) => window.__kb.unreached(seen)", sorted(reached))
    return problems + [f"not reached by Tab: {name}" for name in missing]


@pytest.mark.parametrize("mode", list(MODES))
def test_spacing_contrast_focus_axe_and_keyboard(browser, site, mode):
    minimum = 7 if "high" in mode else 4.5
    page = new_page(browser, site, mode)
    failures = {}
    for name, url in pages_to_check(site).items():
        page.goto(site["base"] + url)
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE, minimum) + violations(page) + check_keyboard(page)
        if found:
            failures[name] = found
    log_in(page, site)
    for name, url in signed_in_urls(site).items():
        page.goto(site["base"] + url)
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE, minimum) + violations(page) + check_keyboard(page)
        if found:
            failures[f"{name}, signed in"] = found
    assert not failures, report(failures)


# ---- 3. 朗读 --------------------------------------------------------------------------------


def spoken(page):
    return page.evaluate("window.__speech.spoken.map(u => u.text)")


def current_sentence(page):
    return page.evaluate(
        "[...document.querySelectorAll('.ra-current')].map(s => s.textContent).join('')"
    )


def test_read_aloud_sentence_by_sentence_with_pause_resume_stop(browser, site):
    page = new_page(browser, site, "elder")
    page.goto(site["base"] + site["reflection"].get_absolute_url())
    controls = page.locator(".read-aloud")
    expect(controls).to_be_visible()
    assert spoken(page) == []  # never by itself
    controls.get_by_role("button", name="朗读").click()
    assert spoken(page) == ["接访中的原则"]
    assert page.evaluate("window.__speech.spoken[0].lang") == "zh-CN"
    assert page.evaluate("window.__speech.spoken[0].voice") == "zh-CN"
    assert current_sentence(page).strip() == "接访中的原则"
    page.evaluate("window.__speechEnd()")
    assert spoken(page)[-1] == "群众的事再小也是大事。"
    assert current_sentence(page) == "群众的事再小也是大事。"
    page.evaluate("window.__speechEnd()")
    assert spoken(page)[-1] == "收礼的事再小也不能做\uff01"
    # 暂停 / 继续: the synthesiser is paused and resumed, the sentence stays marked.
    controls.get_by_role("button", name="暂停").click()
    expect(controls.get_by_role("button", name="继续")).to_be_visible()
    expect(controls.get_by_role("button", name="暂停")).to_be_hidden()
    assert page.evaluate("window.__speech.calls").count("pause") == 1
    controls.get_by_role("button", name="继续").click()
    assert page.evaluate("window.__speech.calls").count("resume") == 1
    page.evaluate("window.__speechEnd()")
    # One sentence across an inline element (the bold 坚持).
    assert spoken(page)[-1] == "第二段\uff1a坚持原则\uff0c也讲方法。"
    assert current_sentence(page) == "第二段\uff1a坚持原则\uff0c也讲方法。"
    highlight = page.evaluate(
        "getComputedStyle(document.querySelector('.ra-current')).backgroundColor"
    )
    assert highlight == "rgb(255, 229, 143)"
    # 停止: nothing more is read, nothing is marked, 朗读 starts again from the top.
    controls.get_by_role("button", name="停止").click()
    assert current_sentence(page) == ""
    count = len(spoken(page))
    page.evaluate("window.__speechEnd()")
    assert len(spoken(page)) == count
    expect(controls.get_by_role("button", name="朗读")).to_be_visible()
    expect(controls.get_by_role("button", name="停止")).to_be_hidden()


@pytest.mark.parametrize("name", ["principle", "essay"])
def test_read_aloud_on_principle_and_essay_pages(browser, site, name):
    page = new_page(browser, site)
    target = site["principle"] if name == "principle" else site["essay"]
    page.goto(site["base"] + target.get_absolute_url())
    page.locator(".read-aloud").get_by_role("button", name="朗读").click()
    first = spoken(page)[0]
    heading = "".join(page.locator("h1").inner_text().split())
    assert first and heading.startswith(first), (first, heading)
    for _ in range(3):
        page.evaluate("window.__speechEnd()")
    texts = spoken(page)
    assert len(texts) == 4 and all(texts), texts
    assert current_sentence(page).strip() == texts[-1]


def test_read_aloud_hidden_without_a_chinese_voice(browser, site):
    page = new_page(browser, site, speech=NO_CHINESE)
    page.goto(site["base"] + site["principle"].get_absolute_url())
    page.wait_for_load_state("load")
    expect(page.locator(".read-aloud")).to_be_hidden()
    # A Chinese voice that loads later (voiceschanged) brings the button.
    page.evaluate("window.__addVoice('zh-CN')")
    expect(page.locator(".read-aloud")).to_be_visible()
    assert spoken(page) == []


# ---- Done when: the journey, with an anonymous visitor at the same time -----------------


def test_journey_elder_mode_read_aloud_post_and_back(browser, site):
    base = site["base"]
    url = base + site["principle"].get_absolute_url()
    UserFactory(username="laoli", display_name="老李", is_staff=True)
    elder = new_page(browser, site)
    visitor = new_page(browser, site)  # another browser context: another visitor

    elder.goto(url)
    visitor.goto(url)
    # On the phone: the offer, taken.
    elder.locator(".display-offer").get_by_role("button", name="打开长辈模式").click()
    expect(elder.locator("html.mode-elder")).to_be_attached()
    # Meanwhile the anonymous visitor sees the normal page (the elder copy is cached now).
    visitor.reload()
    assert html_class(visitor) == ""
    assert visitor.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 22

    # Reads the principle aloud.
    elder.locator(".read-aloud").get_by_role("button", name="朗读").click()
    first = spoken(elder)[0]
    assert first and first in elder.locator("h1").inner_text()
    elder.evaluate("window.__speechEnd()")
    assert len(spoken(elder)) == 2
    elder.locator(".read-aloud").get_by_role("button", name="停止").click()

    # Signs in and posts a reflection, in 长辈模式 all along.
    log_in(elder, site, "laoli")
    elder.goto(url)
    expect(elder.locator("html.mode-elder")).to_be_attached()
    form = elder.locator("form.reflection-form")
    form.get_by_label("标题").fill("大字版里写心得")
    form.get_by_label("心得正文").fill("字大了\uff0c看得清楚\uff0c写得也顺手。")
    form.get_by_role("button", name="发表心得").click()
    expect(elder.locator("h1")).to_contain_text("大字版里写心得")
    expect(elder.locator("html.mode-elder")).to_be_attached()
    assert Reflection.objects.filter(title="大字版里写心得").exists()
    visitor.goto(url)
    assert html_class(visitor) == ""

    # Switches back.
    elder.locator(".site-header .display-switch-button").click()
    assert html_class(elder) == ""
    elder.goto(url)
    assert html_class(elder) == ""
    assert elder.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 22


# ---- 6. Screenshots for the README --------------------------------------------------------


def test_screenshots_normal_and_elder(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for mode, label in (("normal", "normal"), ("elder", "elder")):
        page = new_page(browser, site, mode)
        page.goto(site["base"] + site["principle"].get_absolute_url())
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / f"principle-phone-{label}.png"))
