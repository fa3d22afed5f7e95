"""Replies (回复) to a reflection and the moderation queue's proxy (posting records:
moderation/models.py).

One level only: a reply belongs to a reflection and may quote another reply of the
same reflection (shown as a short plain excerpt), which keeps threads readable on
a phone without nesting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from experiences.core.markdown import text_excerpt
from experiences.moderation.services import MODERATE_PERMISSION
from experiences.reflections.models import Reflection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User

REPLY_MAX_LENGTH = 2000
QUOTE_EXCERPT_LENGTH = 60


class ReplyQuerySet(models.QuerySet["Reply"]):
    def published(self) -> Self:
        """Public: published and not hidden by readers' 举报 awaiting review."""
        return self.filter(status=Reply.Status.PUBLISHED, flag_hidden=False)

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Public ones, plus the user's own in any state; moderators see everything."""
        if user.is_authenticated and user.has_perm(MODERATE_PERMISSION):
            return self
        if user.is_authenticated:
            return self.filter(Q(status=Reply.Status.PUBLISHED, flag_hidden=False) | Q(author=user))
        return self.published()


class Reply(models.Model):
    """A colleague's reply under a reflection."""

    Status = Reflection.Status

    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="replies", verbose_name=_("心得")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("作者"),
    )
    # A deleted quoted reply leaves the quote out, never the reply.
    quoted = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("引用的回复"),
    )
    body = models.TextField(_("正文"), help_text=_("支持 Markdown 的安全子集。"))
    body_html = models.TextField(_("正文 HTML"), editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    # Set by the flags domain once enough readers 举报 it: off public pages until reviewed.
    flag_hidden = models.BooleanField(_("因举报隐藏"), default=False, editable=False)
    # One token per rendered form: a double-clicked submit cannot store twice.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("回复")
        verbose_name_plural = _("回复")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="reply_unique_submission"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="reply_body_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected"]),
                name="reply_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["reflection", "status", "created_at", "id"], name="reply_thread"),
        ]

    def __str__(self):
        return self.body[:30]

    def get_absolute_url(self):
        return f"{self.reflection.get_absolute_url()}#reply-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == Reply.Status.PUBLISHED and not self.flag_hidden

    @property
    def excerpt(self) -> str:
        """Plain text for quotes and the admin; autoescaped in templates, never |safe."""
        return text_excerpt(self.body_html, length=QUOTE_EXCERPT_LENGTH)

    def edit_url(self) -> str:
        return reverse("experiences:reply_update", kwargs={"pk": self.pk})


class PendingReply(Reply):
    """The moderation queue in the admin: pending replies, oldest first."""

    class Meta:
        proxy = True
        ordering = ["created_at", "pk"]
        verbose_name = _("待审核回复")
        verbose_name_plural = _("待审核回复")
