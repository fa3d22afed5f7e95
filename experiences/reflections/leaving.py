"""Leaving (accounts/deletion.py): what an account deletion does to reflections and 点赞.

Registered as a deletion step (``register_deletion_step``, from data_export.py's
``sections_register``): the accounts domain sits below reflections and knows
none of this. Kept reflections (the published ones, when asked) move to the
tombstone; every other reflection of theirs goes; the moderation log's texts
that named them name the pseudonym; their 点赞 are taken back and recounted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import models

from experiences.reflections.models import Like, ModerationLog, Reflection
from experiences.reflections.services import like_counts_recount

if TYPE_CHECKING:
    from experiences.accounts.models import User


def _name_pattern(user: User) -> re.Pattern[str]:
    names = {user.username, user.display_name} - {""}
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(f"\uff08(?:{alternatives})\uff09$")


def _moderation_texts_pseudonymise(*, user: User, tombstone: User, kept: set[int]) -> None:
    """Log subjects name the author at the time (“心得 #12《题》（小王）”): name the pseudonym.

    A reflection that goes takes its title out of the log too: the moderator's own
    words (the reason) stay, the colleague's do not.
    """
    pattern = _name_pattern(user)
    named = models.Q(reflection__author=user)
    for name in {user.username, user.display_name} - {""}:
        named |= models.Q(subject__endswith=f"\uff08{name}\uff09")
    for log in ModerationLog.objects.filter(named).distinct():
        if log.reflection_id is not None and log.reflection_id in kept:
            subject = pattern.sub(f"\uff08{tombstone.username}\uff09", log.subject)
        else:
            number = log.reflection_id or _subject_number(log.subject)
            subject = f"\u5fc3\u5f97 #{number}\uff08{tombstone.username}\uff09" if number else ""
            subject = subject or pattern.sub(f"\uff08{tombstone.username}\uff09", log.subject)
        if subject != log.subject:
            ModerationLog.objects.filter(pk=log.pk).update(subject=subject)


def _subject_number(subject: str) -> int | None:
    match = re.match(r"\u5fc3\u5f97 #(\d+)", subject)
    return int(match.group(1)) if match else None


def reflections_forget(*, user: User, tombstone: User, keep_reflections: bool) -> None:
    """The reflections part of ``account_delete``: keep the published ones or delete all."""
    own = Reflection.objects.filter(author=user)
    kept_ids: set[int] = set()
    if keep_reflections:
        kept = own.filter(status=Reflection.Status.PUBLISHED)
        kept_ids = set(kept.values_list("pk", flat=True))
        _moderation_texts_pseudonymise(user=user, tombstone=tombstone, kept=kept_ids)
        own.exclude(pk__in=kept_ids).delete()
        kept.update(author=tombstone)
    else:
        _moderation_texts_pseudonymise(user=user, tombstone=tombstone, kept=kept_ids)
        own.delete()

    liked = list(Like.objects.filter(user=user).values_list("reflection_id", flat=True))
    Like.objects.filter(user=user).delete()
    like_counts_recount(reflections=Reflection.objects.filter(pk__in=liked))
