"""举报 (Flag): one reader's report of a reflection or a reply, and what became of it.

A flag points at exactly one item and carries its reporter's trust weight, which
decides whether it helps hide the item (``services.py``). When the item is deleted
the flag stays (its ``subject`` says what it was) so the reader still learns the
outcome on 我的举报.
The moderation queue lists items, not flags: the proxies below are the items
with open flags, shown with their reasons and counts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experiences.reflections.models import Reflection
from experiences.replies.models import Reply

FLAG_DETAIL_MAX_LENGTH = 200


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("垃圾广告")
        ABUSE = "abuse", _("人身攻击")
        PRIVACY = "privacy", _("泄露隐私")
        OTHER = "other", _("其他")

    class Outcome(models.TextChoices):
        OPEN = "open", _("待处理")
        KEPT = "kept", _("已复核\uff0c内容保留")
        REMOVED = "removed", _("已复核\uff0c内容已移除")
        DELETED = "deleted", _("内容已被删除")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="flags",
        verbose_name=_("举报人"),
    )
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("心得"),
    )
    reply = models.ForeignKey(
        Reply,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("回复"),
    )
    subject = models.CharField(_("举报对象"), max_length=200)
    reason = models.CharField(_("理由"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("说明"), max_length=FLAG_DETAIL_MAX_LENGTH, blank=True)
    outcome = models.CharField(
        _("处理结果"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    # The reporter's trust when they flagged (services.reporter_weight): what counts
    # toward hiding the item. A zero-weight flag only asks a moderator to look.
    weight = models.PositiveSmallIntegerField(_("分量"), default=1, editable=False)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报记录")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "reflection"],
                condition=Q(reflection__isnull=False),
                name="flag_once_per_reflection",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(reply__isnull=False),
                name="flag_once_per_reply",
            ),
            # At most one item (none once it is deleted), never both.
            models.CheckConstraint(
                condition=Q(reflection__isnull=True) | Q(reply__isnull=True),
                name="flag_one_item",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other", detail=""), name="flag_other_needs_detail"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["spam", "abuse", "privacy", "other"]),
                name="flag_reason_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reporter} → {self.subject}"

    def clean(self):
        """The constraints, as messages (the form and the admin show them)."""
        if self.reflection_id is None and self.reply_id is None and self._state.adding:
            raise ValidationError(_("请指明举报哪条内容。"))
        if self.reflection_id is not None and self.reply_id is not None:
            raise ValidationError(_("一次只能举报一条内容。"))
        if self.reason == Flag.Reason.OTHER and not self.detail.strip():
            raise ValidationError({"detail": _("选择“其他”时请写明理由。")})
        same = Flag.objects.filter(reporter_id=self.reporter_id).exclude(pk=self.pk)
        if self.reflection_id is not None and same.filter(reflection_id=self.reflection_id):
            raise ValidationError(_("你已经举报过这条内容了。"))
        if self.reply_id is not None and same.filter(reply_id=self.reply_id):
            raise ValidationError(_("你已经举报过这条内容了。"))


class FlaggedReflection(Reflection):
    """The moderation queue: reflections with open 举报."""

    class Meta:
        proxy = True
        verbose_name = _("被举报的心得")
        verbose_name_plural = _("被举报的心得")


class FlaggedReply(Reply):
    """The moderation queue: replies with open 举报."""

    class Meta:
        proxy = True
        verbose_name = _("被举报的回复")
        verbose_name_plural = _("被举报的回复")
