"""Reading replies for a page: a reflection's thread, paginated, in constant queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator

from experiences.replies.models import Reply

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User
    from experiences.reflections.models import Reflection

REPLIES_PER_PAGE = 20


def reply_page(
    *, reflection: Reflection, viewer: User | AnonymousUser, number: str | None
) -> Page[Reply]:
    """One page of the replies ``viewer`` may see, oldest first; a bad number gives page 1
    or the last page. Two queries (the count, the page), however long the thread."""
    replies = (
        Reply.objects.visible_to(viewer)
        .filter(reflection=reflection)
        .select_related("author", "quoted__author")
        .order_by("created_at", "pk")
    )
    return Paginator(replies, REPLIES_PER_PAGE).get_page(number)
