"""The dashboard (scoped to the viewer's units), reminders due, and the topic admin form."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from experiences.reflections.models import Reflection
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.selectors import reminder_recipients, study_reminders_due
from tests.factories import ReflectionFactory, StudyTopicFactory, UserFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(tree, topic):
    east = member_in(tree["东一村"], username="east")
    river = member_in(tree["河口镇"], username="river")
    ReflectionFactory(author=east, status=Reflection.Status.PENDING, tags=["东边标签"])
    ReflectionFactory(author=east, study_topic=topic, tags=["东边标签"])
    ReflectionFactory(author=river, status=Reflection.Status.PENDING)
    ReflectionFactory(author=river, status=Reflection.Status.PENDING)
    ReflectionFactory(author=river, tags=["河口标签"])
    return east, river


def test_dashboard_is_for_organisers_and_whole_tree_viewers(
    client, tree, county_organiser, whole_tree_viewer
):
    assert client.get("/dashboard/").status_code == 302
    client.force_login(member_in(tree["东一村"]))
    assert client.get("/dashboard/").status_code == 404
    client.force_login(county_organiser)
    assert client.get("/dashboard/").status_code == 200
    client.force_login(whole_tree_viewer)
    assert "范围\uff1a全站" in client.get("/dashboard/").content.decode()
    # Being staff is no scope: no dashboard, not even an empty one.
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/dashboard/").status_code == 404


def test_dashboard_is_scoped_to_the_viewers_units(
    client, topic, activity, town_organiser, whole_tree_viewer
):
    client.force_login(town_organiser)
    response = client.get("/dashboard/")
    context = response.context
    assert context["pending_count"] == 1
    assert [name for name, _n in context["tags"]] == ["东边标签"]
    [rate] = context["rates"]
    # 东乡镇: its organiser and "east", one of whom submitted.
    assert (rate.topic, rate.total.members, rate.total.submitted) == (topic, 2, 1)
    assert sum(count for _week, count in context["weeks"]) == 2
    html = response.content.decode()
    assert "<svg" in html and "<script" not in html[html.index("<svg") : html.index("</svg>")]

    client.force_login(whole_tree_viewer)
    context = client.get("/dashboard/").context
    assert context["pending_count"] == 3
    assert {name for name, _n in context["tags"]} == {"东边标签", "河口标签"}


def test_dashboard_queries_stay_bounded(client, tree, topic, activity, county_organiser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(county_organiser)
    client.get("/dashboard/")  # warm what is cached per viewer (the unread count)
    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/")
    for _i in range(10):
        ReflectionFactory(author=member_in(tree["西一村"]), tags=["新标签"])
    with CaptureQueriesContext(connection) as after:
        client.get("/dashboard/")
    assert len(after) == len(before)


def test_reminders_due_lists_members_who_have_not_submitted(tree, topic):
    done = member_in(tree["东一村"], username="done")
    waiting = member_in(tree["东二村"], username="waiting")
    member_in(tree["河口镇"], username="elsewhere")
    ReflectionFactory(author=done, study_topic=topic, status=Reflection.Status.PENDING)
    today = timezone.localdate()
    due = {(m.username, t.pk) for m, t in study_reminders_due(today=today)}
    assert ("waiting", topic.pk) in due
    assert ("done", topic.pk) not in due and ("elsewhere", topic.pk) not in due
    # Exactly those who wrote nothing: waiting, and the organiser (a member too).
    organisers = {(organiser.username, topic.pk) for organiser in topic.organisers.all()}
    assert due == {(waiting.username, topic.pk)} | organisers and len(organisers) == 1
    # Too early (more than STUDY_REMIND_DAYS before the due date) and after it: nobody.
    assert study_reminders_due(today=topic.start_date - datetime.timedelta(days=1)) == []
    assert study_reminders_due(today=topic.due_date + datetime.timedelta(days=1)) == []


def test_study_remind_command(tree, topic, capsys):
    member_in(tree["东二村"], username="waiting")
    call_command("study_remind", "--dry-run")
    out = capsys.readouterr().out
    assert "waiting" in out and topic.title in out and "预览" in out
    assert not StudyReminderRequest.objects.exists()
    call_command("study_remind")
    request = StudyReminderRequest.objects.get()
    # waiting, plus the organiser of 东乡镇 (a member too), who wrote nothing.
    assert request.topic == topic and request.recipients == 2 and request.requested_by is None


def test_organiser_records_a_reminder_request(client, tree, topic, town_organiser):
    member_in(tree["东二村"], username="waiting")
    member_in(tree["西一村"], username="other-town")
    done = member_in(tree["东一村"], username="done")
    ReflectionFactory(author=done, study_topic=topic)
    client.force_login(town_organiser)
    url = reverse("experiences:study_remind", args=[topic.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "已记录提醒请求" in response.content.decode()
    request = StudyReminderRequest.objects.get()
    assert request.requested_by == town_organiser and request.recipients == 2
    assert request.sent_at is None
    # The queue reminds those still missing in the organiser's subtree only.
    recipients = {m.username for m in reminder_recipients(reminder=request)}
    assert recipients == {"waiting", town_organiser.username}
    # A second click records nothing more.
    response = client.post(url, follow=True)
    assert "请勿重复发送" in response.content.decode()
    assert StudyReminderRequest.objects.count() == 1


def test_no_reminder_after_the_due_date(client, tree, topic, town_organiser):
    member_in(tree["东二村"])
    topic.start_date -= datetime.timedelta(days=10)
    topic.due_date = timezone.localdate() - datetime.timedelta(days=1)
    topic.save()
    client.force_login(town_organiser)
    response = client.post(reverse("experiences:study_remind", args=[topic.pk]), follow=True)
    assert "不再发送提醒" in response.content.decode()
    assert not StudyReminderRequest.objects.exists()


def test_reminder_post_needs_csrf(tree, topic, town_organiser):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(town_organiser)
    response = client.post(reverse("experiences:study_remind", args=[topic.pk]))
    assert response.status_code == 403
    assert not StudyReminderRequest.objects.exists()


@pytest.fixture
def admin_client_staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def topic_form(tree, **changes):
    return {
        "title": "新的专题",
        "description": "说明",
        "start_date": "2026-03-01",
        "due_date": "2026-03-20",
        "target_units": [tree["东乡镇"].pk],
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_date": "2026-02-01"}, "截止日期不能早于开始日期。"),
        ({"start_date": "2026-13-45"}, "请输入有效的日期。"),
        ({"due_date": ""}, "请填写截止日期。"),
        ({"target_units": []}, "请至少选择一个参学单位。"),
        ({"title": "\u200b \u2029"}, "请填写专题标题。"),
    ],
)
def test_the_topic_form_refuses_bad_input(admin_client_staff, tree, changes, message):
    url = reverse("admin:experiences_studytopic_add")
    response = admin_client_staff.post(url, topic_form(tree, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "说明" in response.content.decode()  # what was typed is kept
    assert not StudyTopic.objects.exists()


def test_the_topic_form_saves_through_the_service(admin_client_staff, tree):
    url = reverse("admin:experiences_studytopic_add")
    response = admin_client_staff.post(url, topic_form(tree, title=" 新的专题\u200b "))
    assert response.status_code == 302
    topic = StudyTopic.objects.get()
    assert topic.title == "新的专题"
    assert list(topic.target_units.all()) == [tree["东乡镇"]]


def test_an_organiser_assigns_only_units_in_their_subtree(client, tree, town_organiser):
    town_organiser.is_staff = True
    town_organiser.save()
    client.force_login(town_organiser)
    url = reverse("admin:experiences_studytopic_add")
    response = client.post(url, topic_form(tree, target_units=[tree["西乡镇"].pk]))
    assert response.status_code == 200
    assert not StudyTopic.objects.exists()
    response = client.post(url, topic_form(tree, target_units=[tree["东一村"].pk]))
    assert response.status_code == 302
    # They see their own topics in the admin list, not the county's.
    StudyTopicFactory(title="县里的专题", target_units=[tree["城关县"]])
    listing = client.get(reverse("admin:experiences_studytopic_changelist")).content.decode()
    assert "新的专题" in listing
    assert "县里的专题" not in listing


def test_dashboard_counts_pending_replies_and_open_flags_in_scope(
    client, tree, topic, activity, town_organiser, whole_tree_viewer
):
    from experiences.flags.models import Flag
    from experiences.flags.services import flag_create
    from tests.factories import ReplyFactory

    east, river = activity
    published_east = Reflection.objects.filter(author=east, status="published").get()
    published_river = Reflection.objects.filter(author=river, status="published").get()
    ReplyFactory(author=east, reflection=published_river, status="pending")
    ReplyFactory(author=river, reflection=published_east, status="pending")
    flag_create(reporter=UserFactory(), item=published_east, reason=Flag.Reason.SPAM)
    flag_create(reporter=UserFactory(), item=published_east, reason=Flag.Reason.ABUSE)
    flag_create(reporter=UserFactory(), item=published_river, reason=Flag.Reason.SPAM)
    client.force_login(town_organiser)
    context = client.get("/dashboard/").context
    assert (context["pending_replies"], context["flagged_items"]) == (1, 1)
    client.force_login(whole_tree_viewer)
    context = client.get("/dashboard/").context
    assert (context["pending_replies"], context["flagged_items"]) == (2, 2)
