"""The signed-in colleague comes from the database on every request, and what shared
pages know of a viewer is asked again whenever it changes (core/shared_pages.py).

Whatever path writes the user row (save, a queryset update, deletion) or what a
viewer's facts depend on (a group, a permission, a draft, a 学习专题), the next request
sees it: no one stays signed in with an old password or an old right.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from experiences.accounts.models import User
from experiences.drafts.services import draft_delete, draft_save
from tests.factories import DraftFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_shared_hit_asks_the_database_only_for_the_session_and_the_user(
    signed_in, user, principle, django_assert_num_queries
):
    ReflectionFactory(principle=principle)
    url = principle.get_absolute_url()
    signed_in.get(url)
    signed_in.get(url)  # the viewer's 点赞 and 已学 are looked up once per version
    with django_assert_num_queries(2):
        response = signed_in.get(url)
    assert response["X-Page-Cache"] == "shared-hit"
    assert user.get_absolute_url() in response.text


def test_a_changed_password_signs_the_old_session_out(signed_in, user):
    assert signed_in.get(reverse("profile_edit")).status_code == 200
    stored = User.objects.get(pk=user.pk)
    stored.set_password("another-Secret-2026")
    stored.save()
    assert signed_in.get(reverse("profile_edit")).status_code == 302


def test_a_deactivation_by_queryset_update_signs_out_at_once(signed_in, user):
    assert signed_in.get(reverse("profile_edit")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert signed_in.get(reverse("profile_edit")).status_code == 302


def test_a_deleted_user_is_signed_out(signed_in, user):
    assert signed_in.get(reverse("profile_edit")).status_code == 200
    User.objects.get(pk=user.pk).delete()
    assert signed_in.get(reverse("profile_edit")).status_code == 302


def test_a_profile_change_shows_on_the_next_request(signed_in, user):
    signed_in.get(reverse("experiences:reflection_list"))
    stored = User.objects.get(pk=user.pk)
    stored.display_name = "王科长"
    stored.save()
    assert "王科长" in signed_in.get(reverse("profile_edit")).content.decode()


def test_joining_the_moderators_ends_sharing_the_principle_page(signed_in, user, principle):
    """A moderator sees reflections hidden by 举报 on a principle: their page is theirs."""
    hidden = ReflectionFactory(principle=principle, title="被举报隐藏的心得", flag_hidden=True)
    url = principle.get_absolute_url()
    signed_in.get(url)
    response = signed_in.get(url)
    assert response["X-Page-Cache"] == "shared-hit" and hidden.title not in response.text
    group = Group.objects.create(name="临时版主")
    group.permissions.add(Permission.objects.get(codename="moderate_reflection"))
    user.groups.add(group)
    response = signed_in.get(url)
    assert "X-Page-Cache" not in response and hidden.title in response.text
    # Leaving it, by the group's side of the relation, shares the page again.
    group.permissions.clear()
    signed_in.get(url)
    response = signed_in.get(url)
    assert response["X-Page-Cache"] == "shared-hit" and hidden.title not in response.text


def test_a_draft_written_elsewhere_comes_back_on_the_next_request(signed_in, user, principle):
    url = principle.get_absolute_url()
    signed_in.get(url)
    assert signed_in.get(url)["X-Page-Cache"] == "shared-hit"
    draft = draft_save(author=user, principle=principle, title="", body="还没写完的体会", tags="")
    assert "还没写完的体会" in signed_in.get(url).text
    draft_delete(draft=draft)
    signed_in.get(url)
    assert signed_in.get(url)["X-Page-Cache"] == "shared-hit"


def test_another_colleagues_change_keeps_what_is_known_of_this_one(
    signed_in, principle, django_assert_num_queries
):
    url = principle.get_absolute_url()
    signed_in.get(url)
    signed_in.get(url)
    DraftFactory(author=UserFactory(), principle=principle)
    with django_assert_num_queries(2):  # the session and the user
        assert signed_in.get(url)["X-Page-Cache"] == "shared-hit"


def test_a_session_from_the_removed_cached_backend_is_signed_out_once(client, user, principle):
    """Sessions name the backend that signed them in; the cached one is gone (the user
    row is read from the database now): such a session reads as signed out, no error."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[BACKEND_SESSION_KEY] = "experiences.accounts.backends.CachedModelBackend"
    session.save()
    assert client.get(principle.get_absolute_url()).status_code == 200
    assert client.get(reverse("profile_edit")).status_code == 302
    client.force_login(user)
    assert client.get(reverse("profile_edit")).status_code == 200
