"""The suite's `seed_essay` copies the rows of one import per session (tests/seed.py):
the copy must be the import, whole, in a database that goes on working after it."""

import pytest

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Quotation
from experiences.search.models import SearchDocument, SearchWord
from tests import seed
from tests.factories import ReflectionFactory


def test_the_copy_is_what_an_import_writes(seed_essay, seed_text):
    assert seed._snapshot is not None, "the session's import was not copied"
    again = essay_import(text=seed_text)
    assert again.essay == seed_essay
    assert again.created is False and again.changed is False
    assert seed_essay.principles.count() == 4
    assert Quotation.objects.filter(principle__essay=seed_essay).exists()
    assert SearchDocument.objects.filter(principle__essay=seed_essay).count() == 4
    assert SearchWord.objects.exists()


# Sequences reset to 1 before the test, as after a flush: the copy's explicit keys
# must move them past its rows (PostgreSQL), or the next row would take a key it holds.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_new_rows_after_the_copy_take_new_keys(seed_essay):
    copied = max(Quotation.objects.values_list("pk", flat=True))
    principle = seed_essay.principles.get(position=1)
    quotation = Quotation.objects.create(principle=principle, position=9, text="新的引文")
    assert quotation.pk > copied
    assert Essay.objects.create(title="另一篇", slug="another").pk > seed_essay.pk


@pytest.fixture
def rows_before(db):
    """A test's own rows, made before it asks for the essay: another essay (with its
    history) and a reflection, whose words are in the search vocabulary already."""
    return ReflectionFactory(title="群众工作的原则", body="坚持原则\uff0c联系群众。")


def test_rows_made_before_the_copy_keep_their_keys(rows_before, seed_essay):
    assert seed._snapshot is not None
    assert seed_essay.pk == seed._snapshot.essay_pk, "imported again instead of copied"
    assert seed_essay.pk != rows_before.principle.essay.pk
    assert seed_essay.principles.count() == 4
    assert essay_import(text=seed.SEED_ESSAY.read_text(encoding="utf-8")).changed is False
