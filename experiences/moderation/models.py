"""The moderation states of a reflection or reply, and the posting records the hourly
limits count (one table per kind, so each kind counts apart)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """A reflection's or a reply's state: new accounts' items wait for a moderator."""

    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("已驳回")


class PostingRecordBase(models.Model):
    """One row per item created, kept when the item is deleted.

    The hourly posting limit counts these rather than surviving items, so deleting
    one does not free a slot; rows older than the window are pruned as new ones are
    written (``moderation.services.posting_slot_take``).
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("作者"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.author_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class PostingRecord(PostingRecordBase):
    """A reflection created (REFLECTIONS_PER_HOUR)."""

    class Meta:
        verbose_name = _("发布记录")
        verbose_name_plural = _("发布记录")
        indexes = [models.Index(fields=["author", "created_at"], name="posting_author_time")]


class ReplyPostingRecord(PostingRecordBase):
    """A reply created (REPLIES_PER_HOUR)."""

    class Meta:
        verbose_name = _("回复发布记录")
        verbose_name_plural = _("回复发布记录")
        indexes = [models.Index(fields=["author", "created_at"], name="reply_posting_author_time")]
