"""The reading domain's part of a colleague's data export: 收藏 and 已学.

Both go with the account on leaving (cascading keys), so no step is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.reading.models import Bookmark, PrincipleRead

if TYPE_CHECKING:
    from experiences.accounts.models import User


def reading_section(user: User) -> Iterable[SectionFile]:
    bookmarks = [
        {
            "principle": str(bookmark.principle) if bookmark.principle_id else None,
            "reflection": bookmark.reflection_id,
            "created_at": bookmark.created_at,
        }
        for bookmark in Bookmark.objects.filter(user=user)
        .select_related("principle")
        .order_by("pk")
    ]
    if bookmarks:
        yield "bookmarks.json", json_file(bookmarks)
    reads = [
        {"principle": str(read.principle), "read_at": read.read_at}
        for read in PrincipleRead.objects.filter(user=user)
        .select_related("principle")
        .order_by("pk")
    ]
    if reads:
        yield "principles_read.json", json_file(reads)


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("reading", reading_section)
