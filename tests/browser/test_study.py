"""学习专题 journeys: an organiser reads the report; a member writes for a 专题 and sees 已提交."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from experiences.core.dates import cn_date
from experiences.reflections.models import Reflection
from tests.browser.conftest import assert_fits_the_screen
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_reflections import log_in
from tests.factories import ReflectionFactory, StudyTopicFactory, UserFactory, unit_tree

pytestmark = pytest.mark.browser


@pytest.fixture
def study(db):
    import importlib

    from django.apps import apps

    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
    units = unit_tree({"城关县": {"东乡镇": {"东一村": {}, "东二村": {}}, "西乡镇": {}}})
    organiser = UserFactory(username="zuzhi", display_name="组织员老刘", org_unit=units["城关县"])
    organiser.groups.add(Group.objects.get(name="组织员"))
    today = timezone.localdate()
    topic = StudyTopicFactory(
        title="坚定原则专题学习",
        start_date=today - datetime.timedelta(days=5),
        due_date=today + datetime.timedelta(days=3),
        target_units=[units["城关县"]],
        organisers=[organiser],
    )
    done = UserFactory(username="yiwancheng", display_name="已完成的", org_unit=units["东一村"])
    ReflectionFactory(author=done, study_topic=topic, title="学了就要用")
    UserFactory(username="weitijiao", display_name="还没写的", org_unit=units["东一村"])
    member = UserFactory(username="xiaowang", display_name="小王", org_unit=units["东二村"])
    return units, topic, organiser, member


def test_organiser_reads_the_report(live_server, page, study, snap):
    _units, topic, _organiser, _member = study
    base = live_server.url
    log_in(page, base, "zuzhi")
    page.goto(base + reverse("experiences:study_report", args=[topic.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("坚定原则专题学习")
    table = page.locator("table.study-table").first
    expect(table.get_by_role("row", name="东一村")).to_contain_text("50.0%")
    expect(page.locator("figure.study-chart svg")).to_be_visible()
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("study-report")

    # Drill down to 东一村's members, then to who has not submitted.
    table.get_by_role("link", name="东一村").click()
    members = page.locator("#members-heading + p + .table-scroll table")
    expect(members).to_contain_text("已完成的")
    page.get_by_role("link", name="只看未提交").click()
    expect(page.get_by_role("heading", name="东一村 未提交名单")).to_be_visible()
    expect(members).to_contain_text("还没写的")
    expect(members).not_to_contain_text("已完成的")

    # 发送提醒 records the request; the page says how many will be reminded.
    page.get_by_role("button", name="发送提醒").click()
    expect(page.locator(".messages")).to_contain_text("已记录提醒请求")
    assert_fits_the_screen(page)

    # The dashboard: the open topic with its rate, the weekly chart.
    page.goto(base + reverse("experiences:dashboard"))
    expect(page.get_by_role("row", name="坚定原则专题学习")).to_contain_text("25.0%")
    expect(page.locator("figure.study-chart svg")).to_be_visible()
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("study-dashboard")


def test_member_writes_for_the_topic_and_sees_it_submitted(live_server, page, study, snap):
    _units, topic, _organiser, member = study
    base = live_server.url
    log_in(page, base, "xiaowang")
    page.goto(base + "/")
    tasks = page.locator("section.study-tasks")
    row = tasks.locator("li", has_text="坚定原则专题学习")
    expect(row).to_contain_text("未开始")
    # One date style everywhere (issue 28): 2026年12月10日.
    expect(row).to_contain_text(cn_date(topic.due_date))
    expect(row.locator("time")).to_have_attribute("datetime", f"{topic.due_date:%Y-%m-%d}")
    assert_fits_the_screen(page)
    assert serious_violations(page) == []
    snap("study-tasks")

    row.get_by_role("link", name="写心得").click()
    form = page.locator("form.reflection-form")
    expect(form.get_by_label("学习专题")).to_have_value(str(topic.pk))
    form.get_by_label("标题").fill("坚定原则的体会")
    form.get_by_label("心得正文").fill("学习之后\uff0c**原则**更清楚了。")
    form.get_by_role("button", name="发表心得").click()
    expect(page.locator(".notice-pending")).to_contain_text("待审核")
    reflection = Reflection.objects.get(author=member)
    assert reflection.study_topic == topic

    page.goto(base + member.get_absolute_url())
    row = page.locator("section.study-tasks li", has_text="坚定原则专题学习")
    expect(row).to_contain_text("已提交")
    expect(row.get_by_role("link", name="写心得")).to_have_count(0)
    assert_fits_the_screen(page)
