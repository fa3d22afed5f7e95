"""Changing essays: publishing and withdrawing. The search index and cached pages follow
through receivers (``search/receivers.py``, ``core/caching.py``)."""

from django.db import transaction


@transaction.atomic
def essays_status_set(*, essays, status: str) -> int:
    """Publish or withdraw ``essays`` (any iterable or queryset); returns how many."""
    essays = list(essays)
    for essay in essays:
        essay.status = status
        essay.save(update_fields=["status", "updated_at"])
    return len(essays)
