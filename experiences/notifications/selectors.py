"""Reading notifications: a colleague's list, and the unread count every signed-in page shows.

On shared signed-in pages the count is one of the viewer's facts (viewer_bits.py);
elsewhere a page that shows it asks the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from experiences.notifications.models import Notification

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User


def unread_count_of(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-updated_at", "-pk")
