"""Revision history of essays, principles and quotations: seen and restored in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.admin_forms import principle_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_import_records_history(seed_essay):
    principle = seed_essay.principles.get(position=2)
    assert seed_essay.history.count() == 1
    assert principle.history.count() == 1
    assert principle.quotations.first().history.count() == 1


def test_editor_sees_and_restores_an_earlier_principle(editor_client, seed_essay):
    principle = seed_essay.principles.get(position=2)
    original_body = principle.body
    url = reverse("admin:experiences_principle_change", args=[principle.pk])
    data = principle_form(principle, body="改坏了的正文", **{"quotations-0-text": "改坏的引语"})
    assert editor_client.post(url, data).status_code == 302
    principle.refresh_from_db()
    assert principle.body == "改坏了的正文"
    assert principle.quotations.first().history.count() == 2

    history = editor_client.get(reverse("admin:experiences_principle_history", args=[principle.pk]))
    page = history.content.decode()
    assert history.status_code == 200 and "bianji" in page
    first = principle.history.earliest("history_date")
    restore_url = reverse(
        "admin:experiences_principle_simple_history", args=[principle.pk, first.history_id]
    )
    assert editor_client.get(restore_url).status_code == 200
    restored = principle_form(principle, body=original_body)
    assert editor_client.post(restore_url, restored).status_code == 302
    principle.refresh_from_db()
    assert principle.body == original_body
    assert principle.history.count() == 3

    quotation = principle.quotations.first()
    quotation_history = reverse("admin:experiences_quotation_history", args=[quotation.pk])
    assert editor_client.get(quotation_history).status_code == 200
    assert quotation.history.filter(text="改坏的引语").exists()


def test_essay_history_page(editor_client, seed_essay):
    url = reverse("admin:experiences_essay_history", args=[seed_essay.pk])
    assert editor_client.get(url).status_code == 200


def test_moderators_cannot_see_essay_history(client, seed_essay, roles):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="版主"))
    client.force_login(moderator)
    url = reverse("admin:experiences_essay_history", args=[seed_essay.pk])
    assert client.get(url).status_code == 403
