"""What waits for a moderator: the admin index's 待审核 badge and its queues' counts.

None for anyone who cannot moderate, so the index shows the counts only to
moderators. Pending replies and open 举报 wait as much as pending reflections
do, so the badge counts all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count

from experiences.flags.models import Flag
from experiences.moderation.services import user_can_moderate
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User


def review_counts(*, user: User | AnonymousUser) -> dict[str, int] | None:
    """Pending reflections and replies, and the items with open 举报 (three queries)."""
    if not user_can_moderate(user=user):
        return None
    flagged = Flag.objects.filter(outcome=Flag.Outcome.OPEN).aggregate(
        reflections=Count("reflection", distinct=True), replies=Count("reply", distinct=True)
    )
    counts = {
        "reflections": Reflection.objects.filter(status=Reflection.Status.PENDING).count(),
        "replies": Reply.objects.filter(status=Reply.Status.PENDING).count(),
        "flagged_reflections": flagged["reflections"],
        "flagged_replies": flagged["replies"],
    }
    counts["flagged"] = counts["flagged_reflections"] + counts["flagged_replies"]
    counts["total"] = counts["reflections"] + counts["replies"] + counts["flagged"]
    return counts
