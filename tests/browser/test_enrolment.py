"""A county goes live: from an empty site with a superuser, 20 units and a 60-person roster,
the 账号通知单 printed, one colleague's first sign-in, and that colleague in a 学习专题 report."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from experiences.units.models import Enrolment, Unit
from tests.browser.conftest import assert_fits_the_screen, menu_open, screenshots
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_reflections import log_in
from tests.factories import StudyTopicFactory, UserFactory

pytestmark = pytest.mark.browser

TOWNS = ["东乡镇", "西乡镇", "南乡镇", "北乡镇"]
VILLAGES = ["一村", "二村", "三村", "四村"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨"]
GIVEN = ["明", "华", "强", "芳", "军", "丽", "伟", "静", "磊", "燕"]


def units_sheet() -> bytes:
    """城关县, 4 乡镇 and 15 村: 20 units, GBK as an office's Excel saves a CSV."""
    lines = ["名称,上级单位,编码", "城关县,,X"]
    villages = []
    for t, town in enumerate(TOWNS, start=1):
        lines.append(f"{town},X,T{t}")
        for v, village in enumerate(VILLAGES[: 4 if t < 4 else 3], start=1):
            name = town[0] + village
            villages.append(name)
            lines.append(f"{name},T{t},T{t}V{v}")
    assert len(lines) - 1 == 20
    return ("\n".join(lines) + "\n").encode("gbk")


def roster_sheet() -> bytes:
    villages = [town[0] + village for town in TOWNS for village in VILLAGES][:15]
    lines = ["姓名,单位,手机号,岗位"]
    number = 0
    for surname in SURNAMES:
        for given in GIVEN:
            village = villages[number % len(villages)]
            lines.append(f"{surname}{given},{village},1390000{number:04d},村干部")
            number += 1
    assert len(lines) - 1 == 60
    return ("\n".join(lines) + "\n").encode("gbk")


@pytest.fixture
def county(db):
    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
    get_user_model().objects.create_superuser("admin", "admin@example.cn", "correct-horse-battery")


def test_a_county_enrols_its_colleagues(live_server, page, browser, screen, county, tmp_path, snap):
    base = live_server.url

    # The superuser imports the unit tree (20 units) in the admin.
    log_in(page, base, "admin")
    page.goto(base + reverse("admin:experiences_unit_import"))
    (tmp_path / "units.csv").write_bytes(units_sheet())
    page.locator("input[type=file]").set_input_files(str(tmp_path / "units.csv"))
    page.get_by_label("只预览").uncheck()
    page.get_by_role("button", name="上传").click()
    expect(page.locator("body")).to_contain_text("导入完成")
    assert Unit.objects.count() == 20
    # The county's organiser (roles are given in the admin; arranged here).
    organiser = UserFactory(
        username="zuzhi", display_name="组织员老刘", org_unit=Unit.objects.get(code="X")
    )
    organiser.is_staff = True
    organiser.save()
    organiser.groups.add(Group.objects.get(name="组织员"))
    today = timezone.localdate()
    topic = StudyTopicFactory(
        title="坚定原则专题学习",
        start_date=today - datetime.timedelta(days=1),
        due_date=today + datetime.timedelta(days=7),
        target_units=[Unit.objects.get(code="X")],
        organisers=[organiser],
    )

    # The organiser finds 导入花名册 on the 工作台 and uploads the 60-person roster.
    page.context.clear_cookies()
    log_in(page, base, "zuzhi")
    page.goto(base + reverse("experiences:dashboard"))
    page.get_by_role("link", name="导入花名册").click()
    (tmp_path / "roster.csv").write_bytes(roster_sheet())
    page.get_by_label("花名册文件").set_input_files(str(tmp_path / "roster.csv"))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".roster-summary")).to_contain_text(
        "新建 60 人，已有账号 0 人，有错误 0 行。"
    )
    expect(page.locator("table.roster-preview tbody tr")).to_have_count(60)
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("roster-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("新建 60 个账号")
    assert Enrolment.objects.count() == 60
    assert serious_violations(page) == []
    snap("roster-batch")

    # The 账号通知单: one slip per colleague, each with its link and QR code.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载账号通知单").click()
    document = Document(io.BytesIO(download_info.value.path().read_bytes()))
    assert len(document.tables) == 60 and len(document.inline_shapes) == 60
    slip = next(t for t in document.tables if "王明" in t.rows[0].cells[0].text).rows[0].cells[0]
    link = next(p.text for p in slip.paragraphs if "/welcome/" in p.text)
    username = next(p.text for p in slip.paragraphs if p.text.startswith("用户名")).split("\uff1a")[
        1
    ]

    # 王明 opens the link from the slip, sets a password, consents and is signed in.
    colleague = browser.new_context(viewport=page.viewport_size)
    welcome = colleague.new_page()
    welcome.goto(base + link[link.index("/welcome/") :])
    expect(welcome.get_by_role("heading", level=1)).to_have_text("首次登录")
    expect(welcome.locator("main")).to_contain_text(username)
    welcome.get_by_label("设置密码").fill("Wangming-2024!")
    welcome.get_by_label("再输入一次密码").fill("Wangming-2024!")
    welcome.get_by_role("button", name="设置密码并登录").click()
    expect(welcome.locator(".error-summary")).to_contain_text("隐私政策")  # consent is asked
    welcome.get_by_label("设置密码").fill("Wangming-2024!")
    welcome.get_by_label("再输入一次密码").fill("Wangming-2024!")
    welcome.get_by_label("我已阅读并同意").check()
    assert_fits_the_screen(welcome)
    assert serious_violations(welcome) == []
    screenshots(welcome, "first-sign-in")
    welcome.get_by_role("button", name="设置密码并登录").click()
    expect(welcome.locator(".messages")).to_contain_text("密码已设置")
    menu_open(welcome)
    expect(welcome.locator(f"form[action='{reverse('logout')}']")).to_be_attached()
    # The link is used up.
    welcome.goto(base + link[link.index("/welcome/") :])
    expect(welcome.locator("main")).to_contain_text("这个登录链接已失效")
    colleague.close()

    # 王明 appears in the 学习专题 report, under their village.
    wang = get_user_model().objects.get(enrolment__full_name="王明")
    page.goto(base + reverse("experiences:study_report", args=[topic.pk]))
    expect(
        page.locator("table.study-table").first.get_by_role("row", name="城关县")
    ).to_be_visible()
    page.goto(
        base + reverse("experiences:study_report", args=[topic.pk]) + f"?unit={wang.org_unit_id}"
    )
    expect(page.locator("main")).to_contain_text("王明")
