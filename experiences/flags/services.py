"""举报: flagging an item, hiding it by trusted flags, and a moderator's review.

Who can hide what (issue 25): every flag carries its reporter's trust weight,
fixed when it is made (``reporter_weight``):

- a moderator, or any other staff member (appointed, not signed up): the whole
  KB_FLAG_HIDE_THRESHOLD, so their one flag hides the item at once;
- an established colleague (an account at least KB_FLAG_TRUST_DAYS old with at
  least KB_FLAG_TRUST_REFLECTIONS published reflections, which a moderator let
  through), or anyone holding a role (版主, 编辑, 组织员 groups): 1;
- anyone else (a new account, or one nobody has vouched for): 0.

An item is hidden once the summed weight of its open flags reaches the threshold.
A zero-weight flag hides nothing but is recorded and puts the item in the
moderators' queue: they decide. So a handful of fresh sign-ups can no longer
hide the site's reflections. How often one may flag is limited in the view
(per account and per address, KB_FLAGS_PER_HOUR, KB_FLAGS_PER_ADDRESS_PER_HOUR).

Nobody reviews their own: a moderator cannot review an item they wrote or
flagged (``SelfReviewRefused``); nothing changes and no reporter is told.

Each write locks the flagged item's row first, so concurrent flags count one after
another and the flag that reaches the threshold always hides the item. Hiding and
reviewing save the item itself, so the content version and the search index follow
(their receivers); the reply count and each reader's notice of the outcome
(``flag_outcome_tell``) are called here, in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from experiences.core.caching import pages_changed
from experiences.core.text import line_clean
from experiences.flags.models import Flag
from experiences.moderation.services import SelfReviewRefused, user_can_moderate
from experiences.notifications.services import notification_for_flag_outcome
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import moderation_log, reflection_reject, reflection_subject
from experiences.replies.models import Reply
from experiences.replies.moderation import reply_count_refresh, reply_reject, reply_subject

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from experiences.accounts.models import User

Item = Reflection | Reply


class OwnFlagRefused(Exception):
    """Nobody flags their own reflection or reply."""


class FlagClosed(Exception):
    """The item is not public (pending, rejected or already hidden): nothing to flag."""


def _item_field(item: Item) -> str:
    return "reply" if isinstance(item, Reply) else "reflection"


def _locked(item: Item) -> Item:
    """The item's row, locked for the rest of the transaction, as its concrete model."""
    model = Reply if isinstance(item, Reply) else Reflection
    return model.objects.select_for_update().get(pk=item.pk)


def _subject(item: Item) -> str:
    text = reply_subject(item) if isinstance(item, Reply) else reflection_subject(item)
    return text[:200]


def _hidden_set(item: Item, hidden: bool) -> None:
    if item.flag_hidden == hidden:
        return
    item.flag_hidden = hidden
    item.save(update_fields=["flag_hidden"])
    if isinstance(item, Reply):
        reply_count_refresh(reflection_id=item.reflection_id)
    pages_changed()


def reporter_weight(*, reporter: User) -> int:
    """How much one 举报 by ``reporter`` counts toward hiding an item (see the module's
    docstring): signing up costs nothing, so a new account's flag alone hides nothing."""
    threshold = max(settings.KB_FLAG_HIDE_THRESHOLD, 1)
    if reporter.is_staff or reporter.is_superuser or user_can_moderate(user=reporter):
        return threshold
    if reporter.groups.exists():
        return 1
    if reporter.date_joined > timezone.now() - timedelta(days=settings.KB_FLAG_TRUST_DAYS):
        return 0
    needed = settings.KB_FLAG_TRUST_REFLECTIONS
    published = (
        Reflection.objects.filter(
            author=reporter, status=Reflection.Status.PUBLISHED, flag_hidden=False
        )
        .values("pk")[:needed]
        .count()
    )
    return 1 if published >= needed else 0


def open_weight_of(item: Item) -> int:
    """The summed weight of the item's open flags: what hiding compares to the threshold."""
    total = open_flags_of(item).aggregate(total=Sum("weight"))["total"]
    return int(total or 0)


def flag_create(*, reporter: User, item: Item, reason: str, detail: str = "") -> tuple[Flag, bool]:
    """Flag ``item`` once; returns (flag, created). A second flag (a double submit, a
    second tab) returns the first. Hides the item once the weight of its open flags
    reaches KB_FLAG_HIDE_THRESHOLD; a flag of weight 0 only queues it for a moderator."""
    field = _item_field(item)
    try:
        with transaction.atomic():
            item = _locked(item)
            existing = Flag.objects.filter(reporter=reporter, **{field: item}).first()
            if existing is not None:
                return existing, False
            if item.author_id == reporter.pk:
                raise OwnFlagRefused
            if item.status != Reflection.Status.PUBLISHED or item.flag_hidden:
                raise FlagClosed
            flag = Flag(
                reporter=reporter,
                subject=_subject(item),
                reason=reason,
                detail=line_clean(detail)[: Flag._meta.get_field("detail").max_length],
                weight=reporter_weight(reporter=reporter),
                **{field: item},
            )
            flag.full_clean()
            flag.save()
            if flag.weight and open_weight_of(item) >= settings.KB_FLAG_HIDE_THRESHOLD:
                _hidden_set(item, True)
    except IntegrityError:
        # A concurrent request of the same reader stored it first.
        return Flag.objects.get(reporter=reporter, **{field: item}), False
    return flag, True


def _flags_close(flags: QuerySet[Flag], *, outcome: str, moderator: User | None) -> int:
    closed = 0
    for flag in flags.select_for_update():
        flag.outcome = outcome
        flag.resolved_at = timezone.now()
        flag.resolved_by = moderator
        flag.save(update_fields=["outcome", "resolved_at", "resolved_by"])
        flag_outcome_tell(flag=flag, outcome=outcome)
        closed += 1
    return closed


def flag_outcome_tell(*, flag: Flag, outcome: str) -> None:
    """The reader who flagged learns the outcome ("kept": the item stays; "removed": it
    was rejected; "deleted": it is gone), in the closing transaction; 我的举报 keeps
    the whole record."""
    notification_for_flag_outcome(
        recipient=flag.reporter,
        subject=flag.subject,
        upheld=outcome != Flag.Outcome.KEPT,
        url=reverse("experiences:flag_list"),
    )


def open_flags_of(item: Item) -> QuerySet[Flag]:
    return Flag.objects.filter(outcome=Flag.Outcome.OPEN, **{_item_field(item): item.pk})


@transaction.atomic
def flags_review(*, item: Item, keep: bool, moderator: User) -> int:
    """A moderator's decision on a flagged item: keep it (shown again) or remove it
    (rejected, with the flags' reasons for its author). Closes its open flags, telling
    each reader; returns how many.

    Refused (``SelfReviewRefused``, nothing changed, nobody told) when the moderator
    wrote the item or flagged it: that review is another moderator's."""
    item = _locked(item)
    flags = open_flags_of(item)
    if item.author_id == moderator.pk or flags.filter(reporter_id=moderator.pk).exists():
        raise SelfReviewRefused
    if not flags.exists():
        # Another moderator reviewed it a moment ago (or a button was pressed twice):
        # nothing is left to decide, and removing it now would overrule them.
        return 0
    reasons = "、".join(sorted({str(flag.get_reason_display()) for flag in flags}))
    if keep:
        _hidden_set(item, False)
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.APPROVE,
            reflection=item.reflection if isinstance(item, Reply) else item,
            subject=_subject(item),
            reason=f"举报复核\uff1a保留\uff08{reasons}\uff09",
        )
        return _flags_close(flags, outcome=Flag.Outcome.KEPT, moderator=moderator)
    reason = f"经举报复核移除\uff1a{reasons}"
    # Rejected is hidden anyway; clearing the mark lets an edited, re-approved item show.
    _hidden_set(item, False)
    if isinstance(item, Reply):
        reply_reject(reply=item, reason=reason, moderator=moderator)
    else:
        reflection_reject(reflection=item, reason=reason, moderator=moderator)
    return _flags_close(flags, outcome=Flag.Outcome.REMOVED, moderator=moderator)


def flags_item_deleted(*, item: Item) -> int:
    """The item is being deleted (by its author or a moderator): its open flags close."""
    return _flags_close(open_flags_of(item), outcome=Flag.Outcome.DELETED, moderator=None)
