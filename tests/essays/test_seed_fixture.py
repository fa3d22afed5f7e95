"""The suite's `seed_essay` copies the rows of one import per session (tests/seed.py):
the copy must be the import, whole, in a database that goes on working after it."""

import pytest

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Quotation
from experiences.search.models import SearchDocument, SearchWord
from tests import seed


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
