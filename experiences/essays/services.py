"""Changing essays: publishing and withdrawing. Cached pages are outdated here
(``pages_changed``); the search index follows through receivers (``search/receivers.py``:
search sits above essays)."""

from collections.abc import Iterable

from django.db import transaction

from experiences.core.caching import pages_changed
from experiences.essays.models import Essay


@transaction.atomic
def essays_status_set(*, essays: Iterable[Essay], status: str) -> int:
    """Publish or withdraw ``essays`` (any iterable or queryset); returns how many."""
    changed = list(essays)
    for essay in changed:
        essay.status = status
        essay.save(update_fields=["status", "updated_at"])
    pages_changed()
    return len(changed)
