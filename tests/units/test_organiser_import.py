"""Organisers import and edit units within their own subtree (issue 27, item 5)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from experiences.units.models import Unit
from tests.factories import UserFactory, unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    """A town organiser as the migrations make them: the group's own permissions only."""
    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
        importlib.import_module(
            "experiences.migrations.0029_organisers_edit_units"
        ).organisers_edit_units(apps, None)
    units = unit_tree({"县委": {"甲镇": {"甲一村": {}}, "乙镇": {}}})
    units["乙镇"].code = "Y"
    units["乙镇"].save()
    person = UserFactory(username="jiazuzhi", is_staff=True, org_unit=units["甲镇"])
    person.groups.add(Group.objects.get(name="组织员"))
    client.force_login(person)
    return client, units


def upload(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("units.csv", text.encode(encoding))


def test_an_organiser_imports_units_into_their_subtree(organiser_client):
    client, _units = organiser_client
    url = reverse("admin:experiences_unit_import")
    assert client.get(url).status_code == 200
    sheet = "名称,上级单位,编码\n甲二村,甲镇,J2\n甲三村,J2,J3\n"
    preview = client.post(url, {"file": upload(sheet, "gbk"), "dry_run": "on"})
    assert "将新增 2 个单位" in preview.content.decode()
    response = client.post(url, {"file": upload(sheet)})
    assert response.status_code == 302
    town = Unit.objects.get(name="甲镇")
    assert Unit.objects.get(code="J3").is_within(town)
    # The unit list offers the import and counts in Chinese.
    listing = client.get(reverse("admin:experiences_unit_changelist")).content.decode()
    assert "导入单位" in listing and "4 个单位" in listing


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("新县,,\n", "第 1 行\uff1a请填写上级单位"),
        ("乙二村,乙镇,\n", "上级单位“乙镇”不在你管理的单位之内"),
        ("乙镇改名,甲镇,Y\n", "编码 Y 是你管理范围之外的单位"),
    ],
)
def test_rows_outside_the_subtree_are_refused_and_nothing_changes(organiser_client, sheet, message):
    client, _units = organiser_client
    before = list(Unit.objects.values_list("path", "name", "code"))
    page = client.post(reverse("admin:experiences_unit_import"), {"file": upload(sheet)})
    assert page.status_code == 200 and message in page.content.decode()
    assert list(Unit.objects.values_list("path", "name", "code")) == before


def test_an_organiser_edits_a_unit_in_their_subtree(organiser_client):
    client, units = organiser_client
    change = reverse("admin:experiences_unit_change", args=[units["甲一村"].pk])
    response = client.post(change, {"name": "甲一村新", "code": "", "parent": units["甲镇"].pk})
    assert response.status_code == 302 and Unit.objects.filter(name="甲一村新").exists()
