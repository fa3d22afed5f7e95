"""Autosave from two tabs at once: one draft, never an error (really concurrent on PostgreSQL)."""

import threading

import pytest

from experiences.drafts.models import Draft
from experiences.drafts.services import draft_save
from tests.factories import PrincipleFactory, UserFactory
from tests.reflections.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_saves_of_one_draft_store_one_row():
    author, principle = UserFactory(), PrincipleFactory()
    counter = iter(range(1000))
    lock = threading.Lock()

    def save():
        with lock:
            number = next(counter)
        draft_save(author=author, principle=principle, title="", body=f"第{number}版", tags="")

    assert run_at_once(save) == []
    assert Draft.objects.filter(author=author, principle=principle).count() == 1
    assert Draft.objects.get().body.startswith("第")


def test_concurrent_general_drafts_store_one_row():
    author = UserFactory()
    errors = run_at_once(
        lambda: draft_save(author=author, principle=None, title="通用", body="正文", tags="")
    )
    assert errors == []
    assert Draft.objects.filter(author=author, principle=None).count() == 1
