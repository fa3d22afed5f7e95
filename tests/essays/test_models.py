"""Database constraints hold on SQLite and PostgreSQL alike."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from experiences.essays.models import Essay, Principle
from tests.factories import EssayFactory, PrincipleFactory

pytestmark = pytest.mark.django_db


def test_positions_are_unique_within_an_essay():
    principle = PrincipleFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrincipleFactory(essay=principle.essay, position=1)
    # The same position in another essay is fine.
    PrincipleFactory(position=1)


def test_slugs_are_unique_within_an_essay():
    principle = PrincipleFactory(slug="甲-乙")
    with pytest.raises(IntegrityError), transaction.atomic():
        PrincipleFactory(essay=principle.essay, slug="甲-乙")


@pytest.mark.parametrize("half", ["baseline", "emphasis"])
def test_halves_are_never_empty(half):
    with pytest.raises(IntegrityError), transaction.atomic():
        PrincipleFactory(**{half: ""})


def test_clean_explains_an_empty_half_in_chinese():
    principle = Principle(essay=EssayFactory(), position=1, baseline="  ", emphasis="乙", slug="x")
    with pytest.raises(ValidationError) as error:
        principle.full_clean()
    assert "“既要”不能为空。" in str(error.value)


def test_published_queryset():
    published = EssayFactory(status=Essay.Status.PUBLISHED)
    EssayFactory(status=Essay.Status.DRAFT)
    assert list(Essay.objects.published()) == [published]


def test_str_and_paragraphs():
    principle = PrincipleFactory(baseline="人情世故", emphasis="坚定原则", body="一。\n\n二。\n")
    assert str(principle) == "既要「人情世故」\uff0c更要「坚定原则」"
    assert principle.paragraphs == ["一。", "二。"]
