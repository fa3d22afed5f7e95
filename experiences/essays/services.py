"""Changing essays: publishing and withdrawing. The search index and cached pages follow
through receivers (``search/receivers.py``, ``core/caching.py``)."""

from collections.abc import Iterable

from django.db import transaction

from experiences.essays.models import Essay


@transaction.atomic
def essays_status_set(*, essays: Iterable[Essay], status: str) -> int:
    """Publish or withdraw ``essays`` (any iterable or queryset); returns how many."""
    changed = list(essays)
    for essay in changed:
        essay.status = status
        essay.save(update_fields=["status", "updated_at"])
    return len(changed)
