"""Raising notifications and marking them read: the only code that writes them.

Every write that changes a recipient's unread count moves their viewer state
version (core/viewer_state.py): the count kept with their facts on shared pages
is looked up afresh on their next request, on any server. Kinds that are
mailed put their mail in the outbox in the same transaction; the queue sends it
after commit, never inside a request.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.accounts.models import DELETED_NAME
from experiences.core.dates import cn_date
from experiences.core.markdown import text_clean
from experiences.core.text import line_clean
from experiences.core.viewer_state import viewer_state_changed
from experiences.notifications.models import Notification
from experiences.notifications.tasks import outgoing_mail_create

if TYPE_CHECKING:
    from experiences.accounts.models import User


class Reflection(Protocol):
    """What a notice reads of a reflection. Not the model: reflections sit above
    notifications and call them (issue 26), so this domain imports no reflection."""

    @property
    def pk(self) -> Any: ...

    @property
    def author(self) -> User: ...

    @property
    def display_title(self) -> object: ...


TEXT_LENGTH = 300
DETAIL_LENGTH = 2000
MAILED_KINDS = {
    Notification.Kind.REFLECTION_APPROVED,
    Notification.Kind.REFLECTION_REJECTED,
    Notification.Kind.REPLY,
}


def _url_of(reflection: Reflection) -> str:
    return reverse("experiences:reflection_detail", kwargs={"pk": reflection.pk})


def _title_of(reflection: Reflection) -> str:
    return line_clean(str(reflection.display_title))[:60]


def _detail_clean(text: str) -> str:
    """Several lines (a reason, a reply's excerpt): each cleaned like a one-line field."""
    return "\n".join(line_clean(line) for line in text_clean(text).split("\n")).strip()


def notification_create(
    *, recipient: User, kind: str, text: str, url: str = "", detail: str = ""
) -> Notification:
    """Store one notification (cleaned and cut to length) and, for mailed kinds, queue its mail."""
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            text=line_clean(text)[:TEXT_LENGTH],
            detail=_detail_clean(detail)[:DETAIL_LENGTH],
            url=url[:500],
        )
        viewer_state_changed(user_ids=[recipient.pk])
        if kind in MAILED_KINDS:
            outgoing_mail_create(notification=notification)
    return notification


def notification_for_reflection_moderated(
    *, reflection: Reflection, approved: bool, reason: str = ""
) -> Notification:
    title = _title_of(reflection)
    if approved:
        return notification_create(
            recipient=reflection.author,
            kind=Notification.Kind.REFLECTION_APPROVED,
            text=_("你的心得《%(title)s》已通过审核并发布。") % {"title": title},
            url=_url_of(reflection),
        )
    return notification_create(
        recipient=reflection.author,
        kind=Notification.Kind.REFLECTION_REJECTED,
        text=_("你的心得《%(title)s》被驳回\uff0c修改后可重新提交。") % {"title": title},
        url=_url_of(reflection),
        detail=reason,
    )


def notification_for_like(*, reflection: Reflection, liker: User) -> Notification:
    """One more 点赞: ``liker`` is counted into the author's unread notification for
    this reflection.

    Likes are gathered, not one notification each: while the author has not read it,
    a colleague not yet counted raises its count and brings it to the top. The count
    is the number of distinct colleagues (``likers``): one who takes a 点赞 back and
    gives it again is counted once, so toggling can never inflate it. The partial
    unique constraint makes concurrent first 点赞 meet in one row, and the row lock
    counts them one after another.
    """
    recipient = reflection.author
    title = _title_of(reflection)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                notification = (
                    Notification.objects.select_for_update()
                    .filter(
                        recipient=recipient,
                        reflection_id=reflection.pk,
                        kind=Notification.Kind.LIKES,
                        read_at__isnull=True,
                    )
                    .first()
                )
                if notification is None:
                    notification = Notification.objects.create(
                        recipient=recipient,
                        kind=Notification.Kind.LIKES,
                        reflection_id=reflection.pk,
                        count=1,
                        url=_url_of(reflection),
                        text=_likes_text(count=1, title=title),
                    )
                    notification.likers.add(liker)
                elif not notification.likers.filter(pk=liker.pk).exists():
                    notification.likers.add(liker)
                    notification.count = notification.likers.count()
                    notification.text = _likes_text(count=notification.count, title=title)
                    notification.save(update_fields=["count", "text", "updated_at"])
                else:
                    return notification  # already counted: nothing new to tell
                viewer_state_changed(user_ids=[recipient.pk])
                return notification
        except IntegrityError:
            continue  # a concurrent first 点赞 created the row: count into it
    raise RuntimeError("likes notification kept colliding")  # pragma: no cover


def _likes_text(*, count: int, title: str) -> str:
    return _("%(count)d 位同事赞了你的心得《%(title)s》") % {"count": count, "title": title}


def notification_for_reply(
    *, reply_author: User, recipient: User, reflection: Reflection, reply_url: str, excerpt: str
) -> Notification | None:
    """A reply to the recipient's reflection or reply (the replies domain calls this).

    Nobody is told of their own reply.
    """
    if reply_author.pk == recipient.pk:
        return None
    return notification_create(
        recipient=recipient,
        kind=Notification.Kind.REPLY,
        text=_("%(name)s 回复了你在《%(title)s》下的内容")
        % {
            "name": line_clean(str(reply_author))[:50],
            "title": _title_of(reflection),
        },
        url=reply_url,
        detail=excerpt,
    )


def notification_for_flag_outcome(
    *, recipient: User, subject: str, upheld: bool, url: str = ""
) -> Notification:
    """Tell a flagger what the moderators decided about what they flagged (举报)."""
    subject = line_clean(subject)[:80]
    if upheld:
        text = _("你举报的“%(subject)s”已处理\uff1a内容已隐藏。") % {"subject": subject}
    else:
        text = _("你举报的“%(subject)s”已处理\uff1a经审核未违反规定\uff0c内容保留。") % {
            "subject": subject
        }
    return notification_create(
        recipient=recipient, kind=Notification.Kind.FLAG_OUTCOME, text=text, url=url
    )


def notification_for_study_assigned(
    *, recipient: User, topic_title: str, url: str, due: date | None = None
) -> Notification:
    """A 学习专题 was assigned to the recipient (the study domain calls this)."""
    topic_title = line_clean(topic_title)[:80]
    if due is None:
        text = _("你有新的学习专题\uff1a《%(topic)s》") % {"topic": topic_title}
    else:
        text = _("你有新的学习专题\uff1a《%(topic)s》\uff0c请在 %(due)s 前完成") % {
            "topic": topic_title,
            "due": cn_date(due),
        }
    return notification_create(
        recipient=recipient, kind=Notification.Kind.STUDY_ASSIGNED, text=text, url=url
    )


def notification_for_study_due(
    *, recipient: User, topic_title: str, url: str, due: date
) -> Notification:
    """A 学习专题 is due soon (a daily job of the study domain calls this)."""
    text = _("学习专题《%(topic)s》将于 %(due)s 到期") % {
        "topic": line_clean(topic_title)[:80],
        "due": cn_date(due),
    }
    return notification_create(
        recipient=recipient, kind=Notification.Kind.STUDY_DUE, text=text, url=url
    )


def notifications_of_replies_anonymise(*, author: User, reply_urls: list[str]) -> None:
    """A colleague who leaves: others' notifications of their replies (found by the replies'
    URLs) name 已注销用户 instead and drop the quote, so nothing of them survives in
    someone else's inbox. Called by the replies domain before it deletes the replies."""
    name = line_clean(str(author))[:50]
    for start in range(0, len(reply_urls), 500):
        told = Notification.objects.filter(
            kind=Notification.Kind.REPLY, url__in=reply_urls[start : start + 500]
        )
        for notification in told:
            notification.text = notification.text.replace(name, str(DELETED_NAME), 1)
            notification.detail = ""
            notification.save(update_fields=["text", "detail"])


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; None when it is not theirs."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient=user)
            .first()
        )
        if notification is None:
            return None
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            viewer_state_changed(user_ids=[user.pk])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        viewer_state_changed(user_ids=[user.pk])
    return marked


def email_notifications_set(*, user: User, enabled: bool) -> None:
    """Turn mail on or off for one colleague (the profile form, the unsubscribe link)."""
    type(user).objects.filter(pk=user.pk).update(email_notifications=enabled)
    user.email_notifications = enabled


def notifications_url() -> str:
    return reverse("experiences:notification_list")
