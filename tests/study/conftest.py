"""A three-level tree (县 → 乡镇 → 村), members in it, an organiser group and a topic."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from tests.factories import StudyTopicFactory, UserFactory, unit_tree


@pytest.fixture
def organisers_group(db):
    if not Group.objects.filter(name="组织员").exists():
        migration = importlib.import_module("experiences.migrations.0017_study")
        migration.organisers_create(apps, None)
        importlib.import_module(
            "experiences.migrations.0029_organisers_edit_units"
        ).organisers_edit_units(apps, None)
    return Group.objects.get(name="组织员")


@pytest.fixture
def tree(db):
    return unit_tree(
        {
            "城关县": {
                "东乡镇": {"东一村": {}, "东二村": {}},
                "西乡镇": {"西一村": {}},
            },
            "河口县": {"河口镇": {}},
        }
    )


def member_in(unit, **kwargs):
    return UserFactory(org_unit=unit, **kwargs)


@pytest.fixture
def make_organiser(organisers_group):
    def make(unit, **kwargs):
        person = UserFactory(org_unit=unit, **kwargs)
        person.groups.add(organisers_group)
        return person

    return make


@pytest.fixture
def county_organiser(tree, make_organiser):
    return make_organiser(tree["城关县"], username="xianzuzhi")


@pytest.fixture
def town_organiser(tree, make_organiser):
    return make_organiser(tree["东乡镇"], username="dongzuzhi")


@pytest.fixture
def topic(tree, town_organiser):
    today = timezone.localdate()
    return StudyTopicFactory(
        title="坚定原则专题学习",
        start_date=today - datetime.timedelta(days=3),
        due_date=today + datetime.timedelta(days=2),
        target_units=[tree["城关县"]],
        organisers=[town_organiser],
    )


@pytest.fixture
def whole_tree_viewer(db):
    """Staff granted the explicit whole-tree permission (being staff alone is no scope)."""
    person = UserFactory(username="quanxian", is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="view_all_units"))
    return person
