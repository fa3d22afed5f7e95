"""The notifications domain's part of a colleague's data export: every notification they
received. Leaving: their own notifications go with the account (a cascading key);
other colleagues' notifications of their replies are rewritten by the replies step
(``notifications_of_replies_anonymise``), which knows the replies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.notifications.models import Notification

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


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("notifications", notifications_section)
