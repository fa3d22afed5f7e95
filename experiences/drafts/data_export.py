"""The drafts domain's part of a colleague's data export: their unposted 草稿, as typed.

Drafts go with the account on leaving (a cascading key), so no step is needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, register_section
from experiences.drafts.models import Draft

if TYPE_CHECKING:
    from experiences.accounts.models import User


def drafts_section(user: User) -> Iterable[SectionFile]:
    drafts = Draft.objects.filter(author=user).select_related("principle").order_by("pk")
    for draft in drafts:
        front = {
            "title": draft.title,
            "principle": str(draft.principle) if draft.principle_id else "",
            "tags": draft.tags,
            "saved": draft.updated_at.isoformat(),
        }
        header = "\n".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()
        )
        yield f"{draft.pk:06d}.md", f"---\n{header}\n---\n\n{draft.body}\n"


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("drafts", drafts_section)
