"""The report: who may see it, the roll-up checked by hand, drill-down and constant queries."""

import pytest
from django.urls import reverse

from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory, UserFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


def write(author, topic, status=Reflection.Status.PUBLISHED, **kwargs):
    return ReflectionFactory(author=author, study_topic=topic, status=status, **kwargs)


@pytest.fixture
def populated(tree, topic):
    """Besides the organisers (城关县 and 东乡镇 each have one, with nothing written):
    东一村: 3 members (1 published, 1 pending, 1 nothing); 东二村: 1 (published);
    西一村: 2 (nothing); 西乡镇 itself: 1 (rejected only); 河口镇 (not targeted): 1 (published)."""
    people = {}
    people["a"] = member_in(tree["东一村"], username="a1")
    people["b"] = member_in(tree["东一村"], username="b1")
    people["c"] = member_in(tree["东一村"], username="c1")
    people["d"] = member_in(tree["东二村"], username="d1")
    people["e"] = member_in(tree["西一村"], username="e1")
    people["f"] = member_in(tree["西一村"], username="f1")
    people["g"] = member_in(tree["西乡镇"], username="g1")
    people["h"] = member_in(tree["河口镇"], username="h1")
    write(people["a"], topic)
    write(people["a"], topic)  # a second one counts once
    write(people["b"], topic, Reflection.Status.PENDING)
    write(people["d"], topic)
    write(people["g"], topic, Reflection.Status.REJECTED)
    write(people["h"], topic)
    ReflectionFactory(author=people["c"])  # not for the topic
    return people


def report(client, topic, **params):
    return client.get(reverse("experiences:study_report", args=[topic.pk]), params)


def figures(response):
    return {
        row.unit.name: (row.members, row.submitted, row.published)
        for row in response.context["rows"]
    }


def test_roll_up_sums_checked_by_hand(client, tree, topic, populated, county_organiser):
    client.force_login(county_organiser)
    response = report(client, topic)
    assert response.status_code == 200
    assert figures(response) == {
        "城关县": (9, 3, 2),
        "东乡镇": (5, 3, 2),
        "东一村": (3, 2, 1),
        "东二村": (1, 1, 1),
        "西乡镇": (3, 0, 0),
        "西一村": (2, 0, 0),
    }
    total = response.context["total"]
    assert (total.members, total.submitted, total.published) == (9, 3, 2)
    assert "33.3%" in response.content.decode()
    assert "河口" not in response.content.decode()


def test_an_organiser_sees_only_their_subtree(client, tree, topic, populated, town_organiser):
    client.force_login(town_organiser)
    response = report(client, topic)
    assert figures(response) == {"东乡镇": (5, 3, 2), "东一村": (3, 2, 1), "东二村": (1, 1, 1)}
    # Drilling into a unit outside the subtree shows no members.
    response = report(client, topic, unit=tree["西一村"].pk)
    assert "members" not in response.context


@pytest.mark.parametrize("who", ["member", "other_organiser", "sibling_organiser"])
def test_others_get_404(client, tree, topic, make_organiser, who):
    people = {
        "member": lambda: member_in(tree["东一村"]),
        "other_organiser": lambda: make_organiser(tree["河口县"]),
        # 西乡镇 is not above 东乡镇, where the topic's organiser sits.
        "sibling_organiser": lambda: make_organiser(tree["西乡镇"]),
    }
    client.force_login(people[who]())
    for name in ("study_report", "study_docx", "study_xlsx"):
        assert client.get(reverse(f"experiences:{name}", args=[topic.pk])).status_code == 404
    assert client.post(reverse("experiences:study_remind", args=[topic.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, topic):
    response = report(client, topic)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_whole_tree_viewers_and_organisers_above_may_see_it(
    client, topic, county_organiser, whole_tree_viewer
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for person in (superuser, whole_tree_viewer, county_organiser):
        client.force_login(person)
        assert report(client, topic).status_code == 200


def test_unknown_topic_is_404(client, county_organiser):
    client.force_login(county_organiser)
    assert client.get("/study/999999/report/").status_code == 404


def test_drill_down_lists_members_and_the_missing(client, tree, topic, populated, town_organiser):
    client.force_login(town_organiser)
    response = report(client, topic, unit=tree["东一村"].pk)
    statuses = {m.username: str(m.task_status) for m in response.context["members"]}
    assert statuses == {"a1": "已通过", "b1": "已提交", "c1": "未开始"}
    response = report(client, topic, unit=tree["东一村"].pk, missing="1")
    assert [m.username for m in response.context["members"]] == ["c1"]
    assert "未提交名单" in response.content.decode()


def test_hostile_params_do_not_break_it(client, topic, county_organiser):
    client.force_login(county_organiser)
    for value in ("abc", "-1", "9" * 40, "\x00", "1;drop"):
        assert report(client, topic, unit=value, page=value).status_code == 200


def test_the_chart_is_inline_svg_without_script(client, topic, populated, county_organiser):
    client.force_login(county_organiser)
    html = report(client, topic).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "pygal-tooltips" not in html and "kozea.github.io" not in html
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in chart
    # The same figures as a table: today's two submissions (a, a-again counted per reflection).
    assert "每日提交数表格" in html


def test_report_queries_do_not_grow_with_units_or_members(
    client, tree, topic, county_organiser, django_assert_max_num_queries
):
    from experiences.units.services import unit_create

    client.force_login(county_organiser)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert report(client, topic, unit=tree["东乡镇"].pk).status_code == 200
        return len(queries)

    count_queries()  # warm what is cached per viewer (the unread-notification count)
    before = count_queries()
    for i in range(5):
        village = unit_create(name=f"新村{i}", parent=tree["西乡镇"])
        for _j in range(4):
            person = member_in(village)
            write(person, topic)
        member_in(tree["东一村"])
    after = count_queries()
    assert after == before
    with django_assert_max_num_queries(before):
        report(client, topic, unit=tree["东乡镇"].pk)
