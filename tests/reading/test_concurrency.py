"""A double click or two tabs: one 收藏 and one 已学 per person and item, never an error."""

import pytest

from experiences.reading.models import Bookmark, PrincipleRead
from experiences.reading.services import bookmark_set, principle_read_mark
from tests.factories import PrincipleFactory, ReflectionFactory, UserFactory
from tests.reflections.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_bookmarks_store_one():
    user, principle, reflection = UserFactory(), PrincipleFactory(), ReflectionFactory()

    def bookmark_both():
        bookmark_set(user=user, principle=principle, bookmarked=True)
        bookmark_set(user=user, reflection=reflection, bookmarked=True)

    assert run_at_once(bookmark_both) == []
    assert Bookmark.objects.filter(user=user, principle=principle).count() == 1
    assert Bookmark.objects.filter(user=user, reflection=reflection).count() == 1


def test_concurrent_read_marks_store_one():
    user, principle = UserFactory(), PrincipleFactory()
    assert run_at_once(lambda: principle_read_mark(user=user, principle=principle)) == []
    assert PrincipleRead.objects.filter(user=user, principle=principle).count() == 1


def test_bookmark_needs_exactly_one_item():
    user, principle, reflection = UserFactory(), PrincipleFactory(), ReflectionFactory()
    with pytest.raises(ValueError):
        bookmark_set(user=user, bookmarked=True)
    with pytest.raises(ValueError):
        bookmark_set(user=user, principle=principle, reflection=reflection, bookmarked=True)
