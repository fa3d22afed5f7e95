"""One date style (2026年12月7日 04:48, Asia/Shanghai) in notifications, 截止, reports, exports."""

import csv
import datetime
import io
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from experiences.core.dates import cn_date, cn_datetime
from experiences.notifications.models import Notification
from experiences.reflections.exports import reflections_csv
from experiences.reflections.models import Reflection
from tests.factories import NotificationFactory, ReflectionFactory

pytestmark = pytest.mark.django_db
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MOMENT = datetime.datetime(2026, 12, 6, 20, 48, tzinfo=datetime.UTC)  # 04:48 in Shanghai


def test_the_helpers_write_chinese_dates_in_the_site_time_zone():
    assert cn_datetime(MOMENT) == "2026年12月7日 04:48"
    assert cn_date(MOMENT) == "2026年12月7日"
    assert cn_date(datetime.date(2026, 3, 1)) == "2026年3月1日"
    assert cn_datetime(None) == ""
    rendered = Template("{% load cn_dates %}{{ when|cn_datetime }} / {{ day|cn_date }}").render(
        Context({"when": MOMENT, "day": datetime.date(2026, 12, 7)})
    )
    assert rendered == "2026年12月7日 04:48 / 2026年12月7日"


def test_notification_list_shows_the_chinese_date(client, user):
    notification = NotificationFactory(recipient=user)
    Notification.objects.filter(pk=notification.pk).update(updated_at=MOMENT)
    client.force_login(user)
    html = client.get(reverse("experiences:notification_list")).content.decode()
    assert "2026年12月7日 04:48" in html
    assert "2026-12-07 04:48" not in html


def test_report_and_tasks_show_chinese_dates_only(client, topic, county_organiser):
    client.force_login(county_organiser)
    html = client.get(reverse("experiences:study_report", args=[topic.pk])).content.decode()
    assert cn_date(topic.due_date) in html and cn_date(topic.start_date) in html
    # Only machine-readable attributes may hold ISO dates, never the text people read.
    visible = re.sub(r"<[^>]+>", " ", html)
    assert not ISO_DAY.search(visible)


def test_reflection_csv_uses_the_chinese_date(principle):
    reflection = ReflectionFactory(principle=principle, status=Reflection.Status.PUBLISHED)
    Reflection.objects.filter(pk=reflection.pk).update(published_at=MOMENT)
    content = reflections_csv(Reflection.objects.all()).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(content)))
    assert row["发布时间"] == "2026年12月7日 04:48"
