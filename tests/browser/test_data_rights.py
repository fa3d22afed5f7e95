"""Journey: a colleague downloads their data, then leaves, keeping nothing behind."""

import json
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experiences.accounts.models import User
from tests.browser.conftest import assert_fits_the_screen, menu_open
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_reflections import log_in
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_download_my_data_then_delete_my_account(live_server, principle, page, snap):
    base = live_server.url
    user = UserFactory(username="xiaowang", display_name="小王")
    reflection = ReflectionFactory(author=user, principle=principle, title="槐树下的会")
    log_in(page, base, "xiaowang")

    # From their own page to 我的数据, and the ZIP.
    page.goto(base + user.get_absolute_url())
    page.get_by_role("link", name="我的数据").click()
    expect(page.get_by_role("heading", name="我的数据")).to_be_visible()
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("data-export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载我的数据").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kb-data-")
    archive = zipfile.ZipFile(download.path())
    assert json.loads(archive.read("profile/profile.json"))["display_name"] == "小王"
    assert any(name.endswith("槐树下的会.md") for name in archive.namelist())

    # Leaving: a wrong password first, then the right one, choosing that reflections go.
    page.goto(base + reverse("account_delete"))
    expect(page.get_by_role("heading", name="注销账号")).to_be_visible()
    page.get_by_label("全部删除").check()
    page.get_by_label("当前密码").fill("not-my-password")
    page.get_by_role("button", name="确认注销").click()
    expect(page.get_by_text("密码不正确\uff0c账号没有注销。")).to_be_visible()
    expect(page.get_by_label("全部删除")).to_be_checked()  # the choice is kept
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("account-delete")
    page.get_by_label("当前密码").fill("correct-horse-battery")
    page.get_by_role("button", name="确认注销").click()
    expect(page.get_by_text("你的账号已注销。")).to_be_visible()
    menu_open(page)
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    assert not User.objects.filter(username="xiaowang").exists()
    response = page.goto(base + reflection.get_absolute_url())
    assert response is not None and response.status == 404
