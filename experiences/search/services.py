"""Writing the search domain's own data: the synonym groups editors keep (同义词)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from experiences.core.caching import pages_changed
from experiences.core.text import INVISIBLE_CHARACTERS
from experiences.search.expansion import simplified
from experiences.search.models import SynonymGroup, synonym_words_split


def synonym_words_normalise(text: str) -> str:
    """An editor's words as queries see them: no invisible characters, simplified
    (a query is converted before it is expanded), lower-cased, distinct, space-separated."""
    words = (INVISIBLE_CHARACTERS.sub("", word) for word in synonym_words_split(simplified(text)))
    return " ".join(dict.fromkeys(word for word in words if word))


@transaction.atomic
def synonym_group_save(*, group: SynonymGroup, words: str, note: str = "") -> SynonymGroup:
    """Create or change a group; every process reads the table again (search/receivers.py),
    and cached search pages (they show the widened results) are outdated."""
    group.words = synonym_words_normalise(words)
    group.note = note.strip()
    group.full_clean()
    group.save()
    pages_changed()
    return group


@transaction.atomic
def synonym_groups_delete(*, groups: Iterable[SynonymGroup]) -> int:
    """Delete groups one by one, so each delete tells the processes (a queryset delete would too,
    but through the same signal per row)."""
    count = 0
    for group in groups:
        group.delete()
        count += 1
    pages_changed()
    return count
