"""Reading drafts: only ever the author's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from experiences.drafts.models import Draft

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User


def draft_for(*, author: User | AnonymousUser, principle_id: int | None) -> Draft | None:
    """The author's draft for one principle (``None``: the general draft)."""
    if not author.is_authenticated:
        return None
    if principle_id is None:
        return Draft.objects.filter(author=author, principle__isnull=True).first()
    return Draft.objects.filter(author=author, principle_id=principle_id).first()


def drafts_of(*, author: User) -> QuerySet[Draft]:
    return Draft.objects.filter(author=author).select_related("principle__essay")
