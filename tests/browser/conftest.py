"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser on these machines, so it launches
/usr/bin/chromium (CHROMIUM_PATH overrides). A missing browser is a failure,
never a skip: `make test` installs it first.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests still
# touch the database synchronously to arrange data, which Django then allows.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get(
        "SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    )
)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make chromium` (apt-get install -y chromium).",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


SIZES = {"phone": PHONE, "desktop": DESKTOP}

# A journey runs once, at phone size (how most colleagues read); every layout check
# (assert_fits_the_screen, snap, screenshots) looks at the page at both sizes. A test
# whose steps themselves differ by size takes both with this mark.
AT_BOTH_SIZES = pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])


@pytest.fixture
def screen():
    return PHONE


def at_each_size(page, *, current: bool = False):
    """Resize ``page`` to each screen size in turn (yielding its label), then back; with
    ``current``, the size it has comes first when it is neither of them."""
    before = page.viewport_size
    sizes = dict(SIZES)
    if current and before and before not in sizes.values():
        sizes = {f"{before['width']}x{before['height']}": before, **sizes}
    try:
        for label, size in sizes.items():
            page.set_viewport_size(size)
            yield label
    finally:
        if before:
            page.set_viewport_size(before)


def screenshots(page, name: str, *, full_page: bool = True):
    """Save ``name``-phone.png and ``name``-desktop.png of the page as it is."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label in at_each_size(page):
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=full_page)


@pytest.fixture
def page(page, screen):
    """Every page fails its test if a JavaScript dialog (an XSS alert) ever opens."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size(screen)
    yield page
    assert dialogs == [], f"unexpected JavaScript dialog: {dialogs}"


@pytest.fixture
def snap(page):
    """Save full-page screenshots named after the page type, at phone and desktop size."""

    def take(name: str):
        screenshots(page, name)

    return take


def assert_fits_the_screen(page):
    """At phone and at desktop size: no sideways scrolling, and every tap target outside
    running text is at least 44 px."""
    page.wait_for_load_state("load")  # measure with the stylesheet applied
    for label in at_each_size(page, current=True):
        _fits_the_screen(page, label)


def _fits_the_screen(page, label):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{label}: page scrolls sideways by {overflow}px"
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea, summary')]
            .filter(el => !el.closest('p') && !el.classList.contains('skip-link'))
            .filter(el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
            .filter(el => el.type !== 'hidden')
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == [], f"{label}: tap targets under 44px: " + "; ".join(small)


def menu_open(page):
    """On a phone the header's links are folded into the 菜单 (a <details>): open it
    before using them. Does nothing on wider screens, where the links show."""
    toggle = page.locator(".site-menu-toggle")
    if toggle.is_visible() and page.locator(".site-menu[open]").count() == 0:
        toggle.click()
