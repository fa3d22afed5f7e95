"""One invisible-character rule for every text a person types (issue 25, item 14).

A title with U+202E (right-to-left override), U+2066 (left-to-right isolate),
U+200D (zero-width joiner) and U+00AD (soft hyphen) was stored and shown as typed,
reordering the page after it. Titles, bodies, replies, tags, names, flag details and
drafts now all drop them by the rule in core/text.py, and a migration cleans what
was stored before.
"""

import importlib
import sys
import unicodedata
import uuid
from functools import cache

import pytest
from django.apps import apps
from django.urls import reverse

from experiences.core.text import INVISIBLE_CHARACTERS, INVISIBLE_RULE, line_clean, text_clean
from experiences.drafts.models import Draft
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply
from experiences.tagging.services import tag_name_normalise
from tests.factories import ReflectionFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db

# The four characters of the review, and a few of their kin.
HIDDEN = "\u202e\u2066\u200d\u00ad\u200b\u2069\u200f\ufeff\u2060\U000e0041"


def hide(text: str) -> str:
    """``text`` with the hidden characters between its first and second character."""
    return text[0] + HIDDEN + text[1:]


@cache
def format_and_control_characters() -> list[str]:
    """Every character of Unicode category Cf or Cc (Python's Unicode version)."""
    characters = (chr(code) for code in range(sys.maxunicode + 1))
    return [c for c in characters if unicodedata.category(c) in ("Cf", "Cc")]


class TestTheRule:
    def test_every_format_and_control_character_is_dropped_from_one_line(self):
        for character in format_and_control_characters():
            assert INVISIBLE_CHARACTERS.fullmatch(character), f"U+{ord(character):04X}"

    def test_multi_line_text_keeps_only_tab_and_newline(self):
        kept = {"\t", "\n"}
        for character in format_and_control_characters():
            if character not in kept:
                assert INVISIBLE_RULE.fullmatch(character), f"U+{ord(character):04X}"
        assert text_clean("第一行\r\n\t第二行\r第三行") == "第一行\n\t第二行\n第三行"

    def test_visible_text_is_untouched(self):
        text = "坚持原则\uff0c和群众打成一片 ABC 123 \u2014 \u201c引号\u201d \u2764\ufe0f"
        assert line_clean(text) == text and text_clean(text) == text

    def test_the_same_rule_everywhere(self):
        assert line_clean(hide("标题")) == "标题"
        assert text_clean(hide("正文")) == "正文"
        assert tag_name_normalise(hide("标签")) == "标签"


def test_a_reflection_title_and_body_drop_them(client, user, principle):
    client.force_login(user)
    response = client.post(
        reverse("experiences:reflection_create"),
        {
            "principle": principle.pk,
            "title": hide("我的体会") + "\t",
            "body": hide("和群众打成一片。") + "\n\n第二段",
            "tags": hide("群众工作"),
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.title == "我的体会"
    assert reflection.body == "和群众打成一片。\n\n第二段"
    assert list(reflection.tags.names()) == ["群众工作"]
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert not INVISIBLE_RULE.search(page.replace("\n", "").replace("\t", ""))


def test_a_reply_drops_them(client, principle):
    author = UserFactory(username="laozhang")
    ReflectionFactory(author=author)  # a published reflection: replies publish at once
    reflection = ReflectionFactory(principle=principle)
    client.force_login(author)
    client.post(
        reverse("experiences:reply_create", args=[reflection.pk]),
        {"body": hide("说得好"), "submission_token": str(uuid.uuid4())},
    )
    assert Reply.objects.get().body == "说得好"


def test_a_display_name_drops_them(client, user):
    client.force_login(user)
    response = client.post(
        reverse("profile_edit"),
        {"display_name": hide("小王"), "unit": hide("城关镇"), "post": hide("干事")},
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    assert (user.display_name, user.unit, user.post) == ("小王", "城关镇", "干事")


def test_the_migration_cleans_what_was_stored_before(principle):
    # Stored before the rule, as the review found them (the factories bypass the services).
    reflection = ReflectionFactory(
        principle=principle, title=hide("旧标题"), body=hide("旧正文"), body_html="<p>x</p>"
    )
    clean = ReflectionFactory(principle=principle, title="干净", body="干净的正文")
    reply = ReplyFactory(reflection=reflection, body=hide("旧回复"))
    author = UserFactory(username="jiuming", display_name=hide("旧名"))
    Draft.objects.create(author=author, principle=principle, title=hide("草稿"), body="b")
    migration = importlib.import_module("experiences.migrations.0023_invisible_characters_drop")
    migration.stored_text_clean(apps, None)
    reflection.refresh_from_db()
    assert (reflection.title, reflection.body) == ("旧标题", "旧正文")
    assert reflection.body_html == "<p>旧正文</p>\n"
    reply.refresh_from_db()
    assert reply.body == "旧回复" and "旧回复" in reply.body_html
    author.refresh_from_db()
    assert author.display_name == "旧名"
    assert Draft.objects.get().title == "草稿"
    assert Reflection.objects.get(pk=clean.pk).body_html == clean.body_html
