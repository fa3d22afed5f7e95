"""The replies domain's part of a colleague's data export and of leaving.

Export: every reply they wrote, in every state, as Markdown with front matter
(the reflection it answers, status, dates), the body exactly as typed.
Leaving: their replies go with the account (a cascading key); this step deletes
them first so each answered reflection's reply count is recounted, and the
count shown on cards never counts a reply that is gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, register_section
from experiences.accounts.deletion import register_deletion_step
from experiences.notifications.services import notifications_of_replies_anonymise
from experiences.replies.models import Reply
from experiences.replies.moderation import reply_count_refresh

if TYPE_CHECKING:
    from experiences.accounts.models import User


def reply_markdown(reply: Reply) -> str:
    front = {
        "id": reply.pk,
        "reflection": reply.reflection_id,
        "reflection_title": str(reply.reflection.display_title),
        "quoted_reply": reply.quoted_id,
        "status": reply.get_status_display(),
        "created": reply.created_at.isoformat(),
    }
    if reply.rejection_reason:
        front["rejection_reason"] = reply.rejection_reason
    header = "\n".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()
    )
    return f"---\n{header}\n---\n\n{reply.body}\n"


def replies_section(user: User) -> Iterable[SectionFile]:
    replies = Reply.objects.filter(author=user).select_related("reflection").order_by("pk")
    for reply in replies.iterator(chunk_size=200):
        yield f"{reply.pk:06d}.md", reply_markdown(reply)


def replies_forget(*, user: User, tombstone: User, keep_reflections: bool) -> None:
    answered = set(Reply.objects.filter(author=user).values_list("reflection_id", flat=True))
    replies = Reply.objects.filter(author=user).select_related("reflection__principle__essay")
    notifications_of_replies_anonymise(
        author=user, reply_urls=[reply.get_absolute_url() for reply in replies]
    )
    Reply.objects.filter(author=user).delete()
    for reflection_id in sorted(answered):
        reply_count_refresh(reflection_id=reflection_id)


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("replies", replies_section)
    register_deletion_step("replies", replies_forget)
