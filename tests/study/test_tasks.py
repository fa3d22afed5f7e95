"""Members: 我的学习任务 on home and profile, and writing a reflection for a 专题."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory, StudyTopicFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


def tasks_of(response):
    html = response.content.decode()
    assert "我的学习任务" in html
    return html


def test_home_shows_each_state_to_the_member_only(client, tree, topic, seed_essay):
    today = timezone.localdate()
    member = member_in(tree["东一村"])
    overdue = StudyTopicFactory(
        title="过期的专题",
        start_date=today - datetime.timedelta(days=10),
        due_date=today - datetime.timedelta(days=1),
        target_units=[tree["东乡镇"]],
    )
    passed = StudyTopicFactory(title="通过的专题", target_units=[tree["东一村"]])
    pending = StudyTopicFactory(title="提交的专题", target_units=[tree["城关县"]])
    StudyTopicFactory(title="别的县的专题", target_units=[tree["河口县"]])
    StudyTopicFactory(
        title="还没开始的专题",
        start_date=today + datetime.timedelta(days=1),
        due_date=today + datetime.timedelta(days=9),
        target_units=[tree["城关县"]],
    )
    ReflectionFactory(author=member, study_topic=passed)
    ReflectionFactory(author=member, study_topic=pending, status=Reflection.Status.PENDING)

    client.force_login(member)
    html = tasks_of(client.get("/"))
    for title, state in [
        (topic.title, "未开始"),
        ("过期的专题", "逾期"),
        ("通过的专题", "已通过"),
        ("提交的专题", "已提交"),
    ]:
        start = html.index(title)
        assert state in html[start : html.index("</li>", start)]
    assert "别的县的专题" not in html and "还没开始的专题" not in html
    due = topic.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert overdue.title in tasks_of(client.get(member.get_absolute_url()))

    client.logout()
    anonymous = client.get("/").content.decode()
    assert "我的学习任务" not in anonymous
    # Another colleague's page never shows the member's tasks.
    client.force_login(member_in(tree["河口镇"]))
    assert "我的学习任务" not in client.get(member.get_absolute_url()).content.decode()


def test_home_queries_do_not_grow_with_topics(client, tree, seed_essay):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = member_in(tree["东一村"])
    client.force_login(member)
    StudyTopicFactory(target_units=[tree["城关县"]])
    client.get("/")  # warm what is cached per viewer (the unread count)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _i in range(5):
        topic = StudyTopicFactory(target_units=[tree["东乡镇"], tree["东一村"]])
        ReflectionFactory(author=member, study_topic=topic)
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before)


def post_reflection(client, **data):
    return client.post(
        reverse("experiences:reflection_create"),
        {"body": "学习后的体会。", "title": "专题心得", "submission_token": uuid.uuid4(), **data},
    )


def test_the_form_offers_the_members_open_topics(client, tree, topic):
    elsewhere = StudyTopicFactory(title="别的县的专题", target_units=[tree["河口县"]])
    member = member_in(tree["东一村"])
    client.force_login(member)
    html = client.get(reverse("experiences:reflection_create"), {"study_topic": topic.pk})
    html = html.content.decode()
    assert 'name="study_topic"' in html and "<select" in html
    assert f'<option value="{topic.pk}" selected>' in html
    assert elsewhere.title not in html

    response = post_reflection(client, study_topic=elsewhere.pk)
    assert response.status_code == 200
    assert "不属于你的单位" in response.content.decode()
    assert "学习后的体会。" in response.content.decode()  # nothing typed is lost
    assert not Reflection.objects.exists()

    response = post_reflection(client, study_topic=topic.pk)
    assert response.status_code == 302
    assert Reflection.objects.get().study_topic == topic
    assert "已提交" in tasks_of(client.get(member.get_absolute_url()))


def test_the_field_is_hidden_without_open_topics(client, tree):
    client.force_login(member_in(tree["河口镇"]))
    html = client.get(reverse("experiences:reflection_create")).content.decode()
    assert 'type="hidden" name="study_topic"' in html
    assert post_reflection(client).status_code == 302
    assert Reflection.objects.get().study_topic is None


def test_editing_keeps_a_closed_topic(client, tree):
    today = timezone.localdate()
    closed = StudyTopicFactory(
        start_date=today - datetime.timedelta(days=9),
        due_date=today - datetime.timedelta(days=2),
        target_units=[tree["东一村"]],
    )
    member = member_in(tree["东一村"])
    reflection = ReflectionFactory(author=member, study_topic=closed)
    client.force_login(member)
    response = client.post(
        reverse("experiences:reflection_update", args=[reflection.pk]),
        {"body": "改过的体会。", "study_topic": closed.pk},
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.study_topic == closed and reflection.body == "改过的体会。"


def test_the_principle_page_form_offers_open_topics_to_members(client, tree, topic, seed_essay):
    principle = seed_essay.principles.get(position=1)
    client.force_login(member_in(tree["东一村"]))
    html = client.get(principle.get_absolute_url()).content.decode()
    assert f'<option value="{topic.pk}">{topic.title}</option>' in html
    client.logout()
    assert topic.title not in client.get(principle.get_absolute_url()).content.decode()
