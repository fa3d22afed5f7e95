"""The notifications domain's part of a colleague's data export and of leaving.

Export: every notification they received. Leaving: their own notifications go
with the account (a cascading key), but other colleagues' notifications of their
replies name them and quote the reply; this step rewrites those to 已注销用户
and drops the quote, so nothing of the person survives in someone else's inbox.
It runs before the replies step deletes the replies it looks them up by.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.accounts.deletion import register_deletion_step
from experiences.accounts.models import DELETED_NAME
from experiences.core.text import line_clean
from experiences.notifications.models import Notification
from experiences.replies.models import Reply

if TYPE_CHECKING:
    from experiences.accounts.models import User


def notifications_section(user: User) -> Iterable[SectionFile]:
    rows = [
        {
            "kind": notification.get_kind_display(),
            "text": notification.text,
            "detail": notification.detail,
            "url": notification.url,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }
        for notification in Notification.objects.filter(recipient=user).order_by("pk")
    ]
    if rows:
        yield "notifications.json", json_file(rows)


def notifications_forget(*, user: User, tombstone: User, keep_reflections: bool) -> None:
    name = line_clean(str(user))[:50]
    replies = Reply.objects.filter(author=user).select_related("reflection__principle__essay")
    urls = [reply.get_absolute_url() for reply in replies]
    for start in range(0, len(urls), 500):
        told = Notification.objects.filter(
            kind=Notification.Kind.REPLY, url__in=urls[start : start + 500]
        )
        for notification in told:
            notification.text = notification.text.replace(name, str(DELETED_NAME), 1)
            notification.detail = ""
            notification.save(update_fields=["text", "detail"])


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("notifications", notifications_section)
    register_deletion_step("notifications", notifications_forget)
