"""Printing: each kind of page printed to PDF in Chromium keeps the text and drops the chrome.

The PDF's text (pdftotext, from poppler-utils) must hold the page's content and
its address, and none of the header, navigation, search, forms or buttons. A
PNG of each PDF's first page (pdftoppm) goes to the screenshots, for people to look at.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from tests.browser.conftest import SCREENSHOTS, assert_fits_the_screen, screenshots
from tests.browser.test_reflections import PASSWORD, log_in
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser

# Shown on screen to a signed-in colleague; none of it may reach paper.
CHROME = [
    "跳到正文",  # skip link
    "隐私政策",  # footer
    "退出",  # header: the sign-out button
    "我的",  # navigation
    "上一条",  # pager
    "下一条",
    "写下你的心得",  # the reflection form and its fields
    "发表心得",
    "心得正文",
    "针对的原则",
    "最多点赞",  # sort switch
]


def pdf_tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: run `apt-get install -y poppler-utils` (make test installs it).",
            pytrace=False,
        )
    return path


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(
        [pdf_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return re.sub(r"\s+", "", result.stdout.decode("utf-8"))


def pdf_snapshot(pdf: Path, name: str) -> None:
    """Page 1 as print-<name>.png; the last (address and code) as print-<name>-end.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    info = subprocess.run(
        [pdf_tool("pdfinfo"), str(pdf)], capture_output=True, check=True, timeout=60, text=True
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, flags=re.M)
    assert found, info
    pages = int(found.group(1))
    for page, suffix in ((1, ""), (pages, "-end")) if pages > 1 else ((1, ""),):
        subprocess.run(
            [
                pdf_tool("pdftoppm"),
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(SCREENSHOTS / f"print-{name}{suffix}"),
            ],
            check=True,
            timeout=60,
        )


def test_pages_print_without_chrome(live_server, seed_essay, browser, tmp_path, settings):
    principle = seed_essay.principles.get(position=1)
    principle.tags.add("群众工作")
    reader = UserFactory(username="duzhe", display_name="读者")
    reader.set_password(PASSWORD)
    reader.save()
    reflection = ReflectionFactory(
        principle=principle,
        title="打印出来的心得",
        body="走村入户时\uff0c先听群众说完\uff0c再讲政策。",
        tags=["群众工作"],
    )
    ReflectionFactory(principle=principle, title="第二条心得", tags=["群众工作"])

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = live_server.url
    log_in(page, base, "duzhe")

    pages = {
        "essay": (seed_essay.get_absolute_url(), ["基层干部的心得体会", "坚定原则", "去服务"]),
        "principle": (
            principle.get_absolute_url(),
            ["既要「人情世故」", "更要「坚定原则」", "打印出来的心得", f"/p/{principle.pk}"],
        ),
        "reflection": (
            reflection.get_absolute_url(),
            ["打印出来的心得", "先听群众说完", f"/r/{reflection.pk}"],
        ),
        "tag": (
            reverse("experiences:tag_detail", args=["群众工作"]),
            ["标签", "群众工作", "人情世故"],
        ),
    }
    for stale in (SCREENSHOTS / f"print-{name}.png" for name in pages):
        stale.unlink(missing_ok=True)  # so that the check below sees this run's pictures
    for name, (url, content) in pages.items():
        page.goto(base + url)
        # On screen the chrome is there (so its absence on paper means something).
        screen_text = page.locator("body").inner_text()
        assert "隐私政策" in screen_text and "退出" in screen_text
        pdf = tmp_path / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        text = pdf_text(pdf)
        for expected in content:
            assert re.sub(r"\s+", "", expected) in text, (name, expected)
        for chrome in CHROME:
            assert chrome not in text, (name, chrome)
        # The address at the end, on SITE_URL.
        assert "本页网址" in text and settings.SITE_URL.split("//")[1] in text, name
        pdf_snapshot(pdf, name)
    context.close()
    # This run's picture of the printed principle: an A4 page (portrait) with text on it.
    with Image.open(SCREENSHOTS / "print-principle.png") as picture:
        assert picture.width < picture.height
        assert picture.convert("L").getextrema()[0] < 100


def test_scan_to_read_opens_without_javascript(live_server, seed_essay, browser, screen):
    """扫码阅读 is a <details>: it opens with scripts off, and the code fits a phone's screen."""
    principle = seed_essay.principles.get(position=1)
    context = browser.new_context(viewport=screen, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + principle.get_absolute_url())
    code = page.locator(".share-qr svg.qr-code")
    assert not code.is_visible()
    assert not page.locator(".share-print").is_visible()  # paper only
    page.locator(".share-qr summary").click()
    assert code.is_visible()
    box = code.bounding_box()
    assert box is not None and box["width"] >= 150 and box["width"] == box["height"]
    assert f"/p/{principle.pk}" in page.locator(".share-qr figcaption").inner_text()
    assert_fits_the_screen(page)
    screenshots(page, "principle-qr", full_page=False)
    context.close()
