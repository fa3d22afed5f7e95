"""The scope rule, role by role: organisers of 甲镇 and 乙镇, a moderator, a former organiser,
staff without a role and a superuser, across the report pages, the dashboard and the admin."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.services import study_topic_save
from tests.factories import (
    EssayFactory,
    PrincipleFactory,
    ReflectionFactory,
    StudyTopicFactory,
    UserFactory,
    unit_tree,
)
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    return unit_tree({"县委": {"甲镇": {"甲一村": {}}, "乙镇": {"乙一村": {}}}})


@pytest.fixture
def people(county, make_organiser, roles):
    jia = make_organiser(county["甲镇"], username="jiazuzhi", is_staff=True)
    yi = make_organiser(county["乙镇"], username="yizuzhi", is_staff=True)
    xian = make_organiser(county["县委"], username="xianwei", is_staff=True)
    moderator = UserFactory(username="banzhu", is_staff=True, org_unit=county["县委"])
    moderator.groups.add(Group.objects.get(name="版主"))
    # Organised the county topic once, then left the 组织员 group; still staff.
    former = UserFactory(username="qianren", is_staff=True, org_unit=county["甲镇"])
    staff = UserFactory(username="guanli", is_staff=True)
    superuser = UserFactory(username="chaoji", is_staff=True, is_superuser=True)
    return {
        "jia": jia,
        "yi": yi,
        "xian": xian,
        "moderator": moderator,
        "former": former,
        "staff": staff,
        "superuser": superuser,
    }


@pytest.fixture
def county_topic(county, people):
    """Targets 县委, co-organised by the organisers of 甲镇 and 乙镇 (and once by ``former``)."""
    today = timezone.localdate()
    topic = StudyTopicFactory(
        title="全县专题",
        start_date=today - datetime.timedelta(days=1),
        due_date=today + datetime.timedelta(days=5),
        target_units=[county["县委"]],
        organisers=[people["jia"], people["yi"], people["former"]],
    )
    member_in(county["甲一村"], username="jiacun")
    member_in(county["乙一村"], username="yicun", display_name="乙村的人")
    return topic


def topic_pages(topic, county):
    report = reverse("experiences:study_report", args=[topic.pk])
    return [
        (report, {}),
        (report, {"unit": county["乙一村"].pk}),
        (report, {"unit": county["乙一村"].pk, "missing": "1"}),
        (reverse("experiences:study_xlsx", args=[topic.pk]), {}),
        (reverse("experiences:study_docx", args=[topic.pk]), {}),
    ]


# ---- 8. Being staff is no scope ----


@pytest.mark.parametrize("who", ["moderator", "former", "staff"])
def test_staff_without_an_organiser_role_reads_no_unit(client, county, people, county_topic, who):
    client.force_login(people[who])
    assert "进入工作台" not in client.get("/").content.decode()
    for url, params in topic_pages(county_topic, county):
        assert client.get(url, params).status_code == 404, url
    assert client.get(reverse("experiences:dashboard")).status_code == 404
    response = client.post(reverse("experiences:study_remind", args=[county_topic.pk]))
    assert response.status_code == 404
    assert not StudyReminderRequest.objects.exists()


@pytest.mark.parametrize(
    ("who", "town", "village", "other_village", "other_member"),
    [("jia", "甲镇", "甲一村", "乙一村", "yicun"), ("yi", "乙镇", "乙一村", "甲一村", "jiacun")],
)
def test_organisers_read_their_own_town_only(
    client, county, people, county_topic, who, town, village, other_village, other_member
):
    client.force_login(people[who])
    report = reverse("experiences:study_report", args=[county_topic.pk])
    response = client.get(report)
    assert [row.unit.name for row in response.context["rows"]] == [town, village]
    response = client.get(report, {"unit": county[other_village].pk, "missing": "1"})
    assert "members" not in response.context and other_member not in response.content.decode()
    xlsx = client.get(reverse("experiences:study_xlsx", args=[county_topic.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["成员"]
    listed = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert people[who].username in listed and other_member not in listed
    html = client.get(reverse("experiences:dashboard")).content.decode()
    assert "全站" not in html and f"{town}及其下级单位" in html


@pytest.mark.parametrize("who", ["superuser", "whole_tree", "whole_tree_group"])
def test_the_whole_tree_is_for_superusers_and_the_explicit_permission(
    client, county, people, county_topic, who
):
    person = people["superuser"]
    whole_tree = Permission.objects.get(codename="view_all_units")
    if who == "whole_tree":
        person = people["staff"]
        person.user_permissions.add(whole_tree)
    elif who == "whole_tree_group":
        person = people["staff"]
        group = Group.objects.create(name="县委组织部")
        group.permissions.add(whole_tree)
        person.groups.add(group)
    client.force_login(person)
    assert "进入工作台" in client.get("/").content.decode()
    for url, params in topic_pages(county_topic, county):
        assert client.get(url, params).status_code == 200, url
    response = client.get(
        reverse("experiences:study_report", args=[county_topic.pk]),
        {"unit": county["乙一村"].pk, "missing": "1"},
    )
    assert [m.username for m in response.context["members"]] == ["yicun"]
    assert "范围\uff1a全站" in client.get(reverse("experiences:dashboard")).content.decode()


# ---- 6. Only organisers whose scope covers every target change a topic ----


def change_url(topic):
    return reverse("admin:experiences_studytopic_change", args=[topic.pk])


def topic_post(topic, **changes):
    return {
        "title": topic.title,
        "description": topic.description,
        "start_date": f"{topic.start_date:%Y-%m-%d}",
        "due_date": f"{topic.due_date:%Y-%m-%d}",
        "target_units": [unit.pk for unit in topic.target_units.all()],
        "organisers": [person.pk for person in topic.organisers.all()],
        **changes,
    }


def test_a_town_organiser_cannot_change_a_county_topic(client, county, people, county_topic):
    client.force_login(people["jia"])
    page = client.get(change_url(county_topic))
    assert page.status_code == 200  # they organise it: shown, read-only
    assert 'name="_save"' not in page.content.decode()
    attack = topic_post(
        county_topic,
        title="甲镇的专题",
        target_units=[county["甲镇"].pk],
        organisers=[people["jia"].pk],
    )
    assert client.post(change_url(county_topic), attack).status_code == 403
    county_topic.refresh_from_db()
    assert county_topic.title == "全县专题"
    assert list(county_topic.target_units.all()) == [county["县委"]]
    assert set(county_topic.organisers.all()) == {people["jia"], people["yi"], people["former"]}
    # The service holds the rule whatever the caller.
    with pytest.raises(PermissionDenied):
        study_topic_save(
            topic=county_topic,
            title="甲镇的专题",
            description="",
            start_date=county_topic.start_date,
            due_date=county_topic.due_date,
            principles=[],
            target_units=[county["甲镇"]],
            organisers=[people["jia"]],
            actor=people["jia"],
        )
    county_topic.refresh_from_db()
    assert county_topic.title == "全县专题"


def test_the_county_organiser_may_change_it(client, county, people, county_topic):
    client.force_login(people["xian"])
    organisers = [people["jia"].pk, people["yi"].pk]  # the former one is no longer offered
    data = topic_post(county_topic, title="改过的", organisers=organisers)
    assert client.post(change_url(county_topic), data).status_code == 302
    county_topic.refresh_from_db()
    assert county_topic.title == "改过的"
    assert set(county_topic.organisers.all()) == {people["jia"], people["yi"]}


def test_organisers_outside_the_editors_scope_are_kept(client, county, people):
    topic = StudyTopicFactory(
        title="甲镇专题", target_units=[county["甲镇"]], organisers=[people["jia"], people["xian"]]
    )
    client.force_login(people["jia"])
    form = client.get(change_url(topic)).context["adminform"].form
    offered = set(form.fields["organisers"].queryset)
    assert people["jia"] in offered and people["yi"] not in offered
    assert people["xian"] not in offered
    # Naming an organiser of another town is refused with a message; nothing changes.
    response = client.post(change_url(topic), topic_post(topic, organisers=[people["yi"].pk]))
    assert "只能选择你所管理范围内的组织员" in response.content.decode()
    # Dropping everyone they can see leaves the county's organiser in place.
    response = client.post(
        change_url(topic), topic_post(topic, title="甲镇专题二", organisers=[people["jia"].pk])
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "甲镇专题二"
    assert set(topic.organisers.all()) == {people["jia"], people["xian"]}
    # Targets outside their subtree cannot be added.
    response = client.post(change_url(topic), topic_post(topic, target_units=[county["乙镇"].pk]))
    assert "只能选择你所管理范围内的单位" in response.content.decode()
    assert list(topic.target_units.all()) == [county["甲镇"]]


# ---- 7. Only published principles are studied ----


@pytest.fixture
def draft_principle(db):
    essay = EssayFactory(status="draft")
    return PrincipleFactory(essay=essay, baseline="草稿原则", body="未发布的草稿正文。")


def test_the_topic_form_offers_and_accepts_published_principles_only(
    client, county, people, draft_principle
):
    published = PrincipleFactory(baseline="已发布原则")
    client.force_login(people["superuser"])
    add = reverse("admin:experiences_studytopic_add")
    offered = set(client.get(add).context["adminform"].form.fields["principles"].queryset)
    assert published in offered and draft_principle not in offered
    data = {
        "title": "新专题",
        "description": "说明文字",
        "start_date": "2026-03-01",
        "due_date": "2026-03-20",
        "target_units": [county["甲镇"].pk],
        "principles": [draft_principle.pk],
    }
    response = client.post(add, data)
    assert "只能选择已发布文章中的原则" in response.content.decode()
    assert "说明文字" in response.content.decode()
    assert not StudyTopic.objects.exists()
    with pytest.raises(ValidationError):
        study_topic_save(
            topic=StudyTopic(),
            title="新专题",
            description="",
            start_date=datetime.date(2026, 3, 1),
            due_date=datetime.date(2026, 3, 20),
            principles=[draft_principle],
            target_units=[county["甲镇"]],
            organisers=[],
        )
    assert not StudyTopic.objects.exists()
    assert client.post(add, {**data, "principles": [published.pk]}).status_code == 302


def test_the_docx_leaves_out_a_draft_principle_of_an_old_topic(
    client, county, people, county_topic, draft_principle
):
    published = PrincipleFactory(baseline="已发布原则", body="已发布的正文。")
    county_topic.principles.set([draft_principle, published])  # chosen before the rule
    ReflectionFactory(author=member_in(county["甲一村"]), study_topic=county_topic)
    client.force_login(people["superuser"])
    response = client.get(reverse("experiences:study_docx", args=[county_topic.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "已发布的正文。" in text
    assert "未发布的草稿正文。" not in text and "草稿原则" not in text


# ---- 9. Admin lists an organiser opens show their subtree only ----


def test_reminder_requests_in_the_admin_are_scoped(client, county, people, county_topic):
    mine = StudyTopicFactory(title="甲镇自己的", target_units=[county["甲镇"]])
    mine.organisers.set([people["jia"]])
    StudyReminderRequest.objects.create(topic=mine, requested_by=people["jia"], recipients=3)
    StudyReminderRequest.objects.create(
        topic=county_topic, requested_by=people["yi"], recipients=41
    )
    StudyReminderRequest.objects.create(
        topic=county_topic, requested_by=people["xian"], recipients=977
    )
    StudyReminderRequest.objects.create(topic=county_topic, requested_by=None, recipients=555)
    url = reverse("admin:experiences_studyreminderrequest_changelist")
    client.force_login(people["jia"])
    html = client.get(url).content.decode()
    assert "甲镇自己的" in html and "jiazuzhi" in html
    for other in ("yizuzhi", "xianwei", "41", "977", "555"):
        assert f">{other}<" not in html, other
    client.force_login(people["superuser"])
    html = client.get(url).content.decode()
    assert ">977<" in html and ">41<" in html


def test_the_unit_admin_shows_an_organiser_their_subtree(client, county, people):
    for _i in range(7):
        member_in(county["乙一村"])
    client.force_login(people["jia"])
    html = client.get(reverse("admin:experiences_unit_changelist")).content.decode()
    assert "甲镇" in html and "甲一村" in html
    assert "乙镇" not in html and "乙一村" not in html and "县委" not in html
    other = client.get(reverse("admin:experiences_unit_change", args=[county["乙镇"].pk]))
    assert other.status_code == 302  # as if it did not exist
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "experiences", "model_name": "studytopic", "field_name": "target_units"},
    )
    assert {row["text"] for row in autocomplete.json()["results"]} == {"甲镇", "甲一村"}


def test_the_topic_admin_list_is_scoped(client, county, people, county_topic):
    StudyTopicFactory(title="乙镇自己的", target_units=[county["乙镇"]], organisers=[people["yi"]])
    url = reverse("admin:experiences_studytopic_changelist")
    client.force_login(people["jia"])
    html = client.get(url).content.decode()
    assert "全县专题" in html and "乙镇自己的" not in html


def test_staff_granted_admin_views_but_no_scope_lists_nothing(client, county, people, county_topic):
    staff = people["staff"]
    for codename in ("view_unit", "view_studytopic", "view_studyreminderrequest"):
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    StudyReminderRequest.objects.create(
        topic=county_topic, requested_by=people["yi"], recipients=41
    )
    client.force_login(staff)
    units = client.get(reverse("admin:experiences_unit_changelist")).content.decode()
    assert "甲镇" not in units and "县委" not in units
    topics = client.get(reverse("admin:experiences_studytopic_changelist")).content.decode()
    assert "全县专题" not in topics
    requests = reverse("admin:experiences_studyreminderrequest_changelist")
    assert ">41<" not in client.get(requests).content.decode()
