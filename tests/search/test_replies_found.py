"""Replies are searchable like reflections, with the same visibility rules (issue 29, item 9)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from experiences.flags.services import flag_create
from experiences.reflections.moderation import reflection_reject
from experiences.replies.moderation import reply_publish, reply_reject
from experiences.replies.services import reply_create, reply_delete, reply_update
from experiences.search.models import SearchDocument
from experiences.search.query import query_parse, search_run
from experiences.search.rebuild import search_index_rebuild
from tests.factories import EstablishedUserFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def found(text, user=None, **filters):
    return [d.body for d in search_run(query=query_parse(text), user=user, **filters)]


@pytest.fixture
def reflection(db):
    return ReflectionFactory(title="接访的体会", body="认真倾听。")


@pytest.fixture
def trusted(db):
    return UserFactory(username="laoli", is_staff=True)


@pytest.fixture
def newcomer(db):
    return UserFactory(username="xinren")


def test_a_public_reply_is_found_by_everyone(client, reflection, trusted):
    reply, _ = reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    assert found("网格员") == ["网格员要天天走访。"]
    html = client.get(reverse("experiences:search"), {"q": "网格员"}).content.decode()
    assert reply.get_absolute_url() in html
    assert "回复\uff1a接访的体会" in html
    assert found("网格员", kind="reply") == ["网格员要天天走访。"]
    assert found("网格员", principle_id=reflection.principle_id) == ["网格员要天天走访。"]


def test_the_reflections_words_are_not_the_replys(reflection, trusted):
    reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    kinds = [d.kind for d in search_run(query=query_parse("接访"))]
    assert kinds == ["reflection"]


def test_a_pending_reply_is_its_authors_alone_until_published(reflection, newcomer, trusted):
    reply, _ = reply_create(author=newcomer, reflection=reflection, body="网格员要天天走访。")
    assert reply.status == "pending"
    assert found("网格员") == []
    assert found("网格员", user=trusted) == []
    assert found("网格员", user=newcomer) == ["网格员要天天走访。"]
    reply_publish(reply=reply)
    assert found("网格员") == ["网格员要天天走访。"]


def test_a_rejected_reply_is_not_found_by_others(reflection, trusted):
    reply, _ = reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    reply_reject(reply=reply, reason="离题")
    assert found("网格员") == []
    assert found("网格员", user=trusted) == ["网格员要天天走访。"]


@override_settings(KB_FLAG_HIDE_THRESHOLD=1)
def test_a_reply_hidden_by_flags_is_not_found(reflection, trusted):
    reply, _ = reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    # A reporter whose 举报 weighs (issue 25): a fresh account's would hide nothing.
    flag_create(reporter=EstablishedUserFactory(), item=reply, reason="spam")
    assert found("网格员") == []


def test_replies_follow_their_reflection_out_of_search_and_back(reflection, trusted, newcomer):
    reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    reflection_reject(reflection=reflection, reason="离题")
    assert found("网格员") == []
    assert found("网格员", user=newcomer) == []
    # Its author still finds their own words, as with their own reflections.
    assert found("网格员", user=trusted) == ["网格员要天天走访。"]
    reflection.status = "published"
    reflection.title = "新的标题"
    reflection.save()
    assert found("网格员") == ["网格员要天天走访。"]
    document = SearchDocument.objects.get(kind="reply")
    assert document.title == "回复\uff1a新的标题"


def test_an_edited_or_deleted_reply_is_found_by_its_new_words_or_not_at_all(reflection, trusted):
    reply, _ = reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    reply_update(reply=reply, body="驻村干部要吃住在村。")
    assert found("网格员") == []
    assert found("吃住在村") == ["驻村干部要吃住在村。"]
    reply_delete(reply=reply)
    assert found("吃住在村") == []
    assert not SearchDocument.objects.filter(kind="reply").exists()


def test_the_rebuild_indexes_replies_with_their_visibility(reflection, trusted, newcomer):
    reply_create(author=trusted, reflection=reflection, body="网格员要天天走访。")
    reply_create(author=newcomer, reflection=reflection, body="网格员也要休息。")
    SearchDocument.objects.all().delete()
    search_index_rebuild()
    assert found("网格员") == ["网格员要天天走访。"]
    assert sorted(found("网格员", user=newcomer)) == sorted(
        ["网格员要天天走访。", "网格员也要休息。"]
    )
