"""The header's 管理 and 工作台 links (issue 27, item 10): shown to those who have them,
never to a colleague reading the same shared page."""

import pytest
from django.urls import reverse

from experiences.units.roles import role_grant, role_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LINK = '<a href="/admin/">管理</a>'


@pytest.fixture
def dashboard_link():
    return f'<a href="{reverse("experiences:dashboard")}">工作台</a>'


def page_for(client, person, url):
    client.force_login(person)
    response = client.get(url)
    return response, response.content.decode()


@pytest.mark.parametrize("staff_first", [True, False], ids=["staff-first", "colleague-first"])
def test_a_colleague_never_sees_anothers_links_on_a_shared_page(
    client, roles, county_organiser, dashboard_link, staff_first
):
    role_grant(user=county_organiser, role="组织员", actor=None)  # staff, with a unit
    colleague = UserFactory(username="tongshi")
    url = reverse("experiences:reflection_list")
    order = [county_organiser, colleague] if staff_first else [colleague, county_organiser]
    seen = {}
    for person in order * 2:
        response, page = page_for(client, person, url)
        seen.setdefault(person.username, []).append((response.get("X-Page-Cache"), page))
    for _state, page in seen["tongshi"]:
        assert ADMIN_LINK not in page and dashboard_link not in page
    for _state, page in seen["xianzuzhi"]:
        assert ADMIN_LINK in page and dashboard_link in page
    # The page was shared between them, not rendered per viewer.
    assert any(state == "shared-hit" for state, _ in seen["tongshi"] + seen["xianzuzhi"])


def test_a_moderator_has_the_admin_link_only_and_loses_it_with_the_role(
    client, roles, dashboard_link
):
    person = UserFactory(username="banzhu")
    role_grant(user=person, role="版主", actor=None)
    url = reverse("experiences:reflection_list")
    _response, page = page_for(client, person, url)
    assert ADMIN_LINK in page and dashboard_link not in page
    role_revoke(user=person, role="版主", actor=None)
    _response, page = page_for(client, person, url)
    assert ADMIN_LINK not in page


def test_the_home_page_rendered_for_its_viewer_has_them_too(
    client, roles, county_organiser, dashboard_link
):
    role_grant(user=county_organiser, role="组织员", actor=None)
    _response, page = page_for(client, county_organiser, "/")
    assert ADMIN_LINK in page and dashboard_link in page
