"""The flags domain's part of a colleague's data export: the 举报 they filed.

Each flag with what it was about, the reason and text they gave, and its outcome.
Their flags go with the account (a cascading key); an item hidden by flags stays
hidden until a moderator reviews it, so leaving cannot unhide anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.flags.models import Flag

if TYPE_CHECKING:
    from experiences.accounts.models import User


def flags_section(user: User) -> Iterable[SectionFile]:
    rows = [
        {
            "subject": flag.subject,
            "reflection": flag.reflection_id,
            "reply": flag.reply_id,
            "reason": flag.get_reason_display(),
            "detail": flag.detail,
            "outcome": flag.get_outcome_display(),
            "created_at": flag.created_at,
            "resolved_at": flag.resolved_at,
        }
        for flag in Flag.objects.filter(reporter=user).order_by("pk")
    ]
    if rows:
        yield "flags.json", json_file(rows)


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("flags", flags_section)
