"""Roles given and taken in one place (issue 27, item 4): the admin action and the commands."""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from experiences.accounts.models import User
from experiences.units.roles import RoleError, role_grant, role_revoke
from experiences.units.scope import viewer_scope
from tests.factories import UserFactory, unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(roles):
    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
    return Group.objects.all()


@pytest.fixture
def units(db):
    return unit_tree({"城关县": {"东乡镇": {}}})


def names_of(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_grant_sets_group_staff_and_unit_together_and_revoke_takes_them_back(groups, units):
    boss = UserFactory(username="zhuren", is_staff=True, is_superuser=True)
    person = UserFactory(username="xiaozhang")
    role_grant(user=person, role="组织员", unit=units["东乡镇"], actor=boss)
    person.refresh_from_db()
    assert person.is_staff and person.org_unit == units["东乡镇"]
    assert names_of(person) == {"组织员"}
    assert viewer_scope(person) == [units["东乡镇"].path]
    role_grant(user=person, role="版主", actor=boss)
    # One role gone, another left: still staff.
    role_revoke(user=person, role="组织员", actor=boss)
    person.refresh_from_db()
    assert person.is_staff and names_of(person) == {"版主"}
    assert viewer_scope(person) == []
    role_revoke(user=person, role="版主", actor=boss)
    person.refresh_from_db()
    assert not person.is_staff and names_of(person) == set()
    messages = list(
        LogEntry.objects.filter(object_id=str(person.pk)).values_list("user_id", "change_message")
    )
    assert (boss.pk, "授予角色\uff1a组织员\uff08单位\uff1a东乡镇\uff09") in messages
    assert (boss.pk, "撤销角色\uff1a版主") in messages


def test_an_organiser_needs_a_unit_and_a_superuser_keeps_staff(groups):
    person = UserFactory(username="xiaozhang")
    with pytest.raises(RoleError, match="组织员需要所属单位"):
        role_grant(user=person, role="组织员", actor=None)
    assert not User.objects.get(pk=person.pk).is_staff
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    role_grant(user=root, role="编辑", actor=None)
    role_revoke(user=root, role="编辑", actor=None)
    assert User.objects.get(pk=root.pk).is_staff


def test_the_admin_action_asks_for_the_role_then_grants_it(client, groups, units):
    boss = UserFactory(username="zhuren", is_staff=True, is_superuser=True)
    people = [UserFactory(username="a1"), UserFactory(username="a2")]
    client.force_login(boss)
    url = reverse("admin:experiences_user_changelist")
    chosen = {"action": "grant_role", "_selected_action": [p.pk for p in people]}
    page = client.post(url, chosen)
    assert page.status_code == 200 and "为以下 2 位同事授予角色" in page.content.decode()
    # No role chosen: asked again, nothing changed.
    page = client.post(url, {**chosen, "apply": "1", "role": ""})
    assert "请选择角色" in page.content.decode()
    assert not User.objects.filter(is_staff=True, username__startswith="a").exists()
    done = client.post(
        url, {**chosen, "apply": "1", "role": "组织员", "unit": units["城关县"].pk}, follow=True
    )
    assert "已为 2 位同事授予角色组织员" in done.content.decode()
    for person in people:
        person.refresh_from_db()
        assert person.is_staff and person.org_unit == units["城关县"]
        assert names_of(person) == {"组织员"}
    assert LogEntry.objects.filter(user=boss, change_message__startswith="授予角色").count() == 2
    revoke = {"action": "revoke_role", "_selected_action": [people[0].pk]}
    client.post(url, {**revoke, "apply": "1", "role": "组织员"})
    people[0].refresh_from_db()
    assert not people[0].is_staff and names_of(people[0]) == set()


def test_a_moderator_cannot_give_roles(moderator_client, groups):
    person = UserFactory(username="a1")
    url = reverse("admin:experiences_user_changelist")
    moderator_client.post(
        url, {"action": "grant_role", "_selected_action": [person.pk], "apply": "1", "role": "版主"}
    )
    assert names_of(person) == set()


def test_the_commands(groups, units, capsys):
    units["城关县"].code = "X"
    units["城关县"].save()
    boss = UserFactory(username="zhuren", is_staff=True, is_superuser=True)
    person = UserFactory(username="xiaozhang")
    call_command("grant_role", "xiaozhang", "组织员", "--unit", "X", "--by", "zhuren")
    assert "授予角色\uff1a组织员" in capsys.readouterr().out
    person.refresh_from_db()
    assert person.is_staff and person.org_unit == units["城关县"]
    assert LogEntry.objects.filter(user=boss).exists()
    call_command("revoke_role", "xiaozhang", "组织员")
    person.refresh_from_db()
    assert not person.is_staff and names_of(person) == set()
    with pytest.raises(CommandError, match="找不到用户 nobody"):
        call_command("grant_role", "nobody", "版主")
    with pytest.raises(CommandError, match="找不到编码为 Q 的单位"):
        call_command("grant_role", "xiaozhang", "组织员", "--unit", "Q")
    with pytest.raises(CommandError, match="没有“管理员”这个角色"):
        call_command("grant_role", "xiaozhang", "管理员")
    other = UserFactory(username="xiaoli")
    with pytest.raises(CommandError, match="组织员需要所属单位"):
        call_command("grant_role", "xiaoli", "组织员")
    assert not User.objects.get(pk=other.pk).is_staff
