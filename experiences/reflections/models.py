"""Colleagues' reflections (心得), their 点赞 and the moderation log.

Their states and posting records are shared with replies: moderation/models.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from experiences.core.markdown import text_excerpt
from experiences.essays.models import Principle
from experiences.moderation.models import Status
from experiences.moderation.services import user_can_moderate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from experiences.accounts.models import User


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    def published(self) -> Self:
        """Public: published, and not hidden by readers' 举报 awaiting review (flags domain)."""
        return self.filter(status=Reflection.Status.PUBLISHED, flag_hidden=False)

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The one rule of who sees which reflection, asked by every page, list, feed and
        search: published ones, plus the user's own in any state (待审核, 驳回, hidden by
        举报, marked on their cards); moderators see everything."""
        if user_can_moderate(user=user):
            return self
        if user.is_authenticated:
            return self.filter(
                Q(status=Reflection.Status.PUBLISHED, flag_hidden=False) | Q(author=user)
            )
        return self.published()

    def beyond_public(self, user: User | AnonymousUser) -> Self:
        """What ``visible_to(user)`` shows beyond ``published()``: nothing for most
        colleagues, whose lists are then the page every colleague shares
        (core/shared_pages.py); a moderator's or an author's own are theirs alone."""
        return self.visible_to(user).exclude(status=Reflection.Status.PUBLISHED, flag_hidden=False)

    def for_listing(self, *, viewer: User | AnonymousUser | None = None) -> Self:
        """Everything a list shows, in a constant number of queries."""
        queryset = self.select_related("author", "principle__essay").prefetch_related("tags")
        if viewer is not None and viewer.is_authenticated:
            queryset = queryset.annotate(
                liked_by_viewer=Exists(Like.objects.filter(reflection=OuterRef("pk"), user=viewer))
            )
        return queryset

    def sorted_by(self, sort: str) -> Self:
        """Featured first, then newest, or most 点赞 when ``sort == "likes"``.

        Not named ``ordered``: that is QuerySet's property saying whether an order is set
        (``first()`` and the paginator read it)."""
        if sort == "likes":
            return self.order_by("-is_featured", "-like_count", "-created_at", "-pk")
        return self.order_by("-is_featured", "-created_at", "-pk")


class Reflection(models.Model):
    """A colleague's own 心得, usually on one principle."""

    Status = Status  # shared with replies (moderation/models.py)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflections",
        verbose_name=_("作者"),
    )
    principle = models.ForeignKey(
        Principle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("原则"),
        help_text=_("不选则为通用心得。"),
    )
    # The 学习专题 this reflection was written for, if any (see experiences/study).
    study_topic = models.ForeignKey(
        "experiences.StudyTopic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("学习专题"),
    )
    title = models.CharField(_("标题"), max_length=100, blank=True)
    body = models.TextField(_("正文"), help_text=_("支持 Markdown 的安全子集。"))
    body_html = models.TextField(_("正文 HTML"), editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    is_featured = models.BooleanField(_("精选"), default=False)
    # Kept equal to the number of Like rows by reflections.like_set, in the same
    # transaction: sorting and counting 点赞 then reads one column, not a GROUP BY.
    like_count = models.PositiveIntegerField(_("点赞数"), default=0, editable=False)
    # The public replies (replies domain keeps it equal, in the writing transaction).
    reply_count = models.PositiveIntegerField(_("回复数"), default=0, editable=False)
    # Set by the flags domain once enough readers 举报 it: off public pages until reviewed.
    flag_hidden = models.BooleanField(_("因举报隐藏"), default=False, editable=False)
    # One token per rendered form: a double-clicked submit cannot store twice.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    tags = TaggableManager(_("标签"), blank=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("心得")
        verbose_name_plural = _("心得")
        permissions = [("moderate_reflection", _("可以审核心得"))]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="reflection_unique_submission"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="reflection_body_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected"]),
                name="reflection_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-is_featured", "-created_at", "-id"], name="reflection_newest"
            ),
            models.Index(
                fields=["status", "-is_featured", "-like_count", "-created_at", "-id"],
                name="reflection_most_liked",
            ),
            # 学习专题 reports: each member's reflections for one topic, by state.
            models.Index(
                fields=["study_topic", "author", "status"],
                name="reflection_topic_author",
                condition=Q(study_topic__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title or self.body[:30]

    def get_absolute_url(self):
        return reverse("experiences:reflection_detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> StrOrPromise:
        return self.title or _("无题心得")

    @property
    def excerpt(self) -> str:
        """The card's plain-text preview of the body; autoescaped in templates, never |safe."""
        return text_excerpt(self.body_html)


class Like(models.Model):
    """点赞: one per user per reflection."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="likes",
        verbose_name=_("用户"),
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="likes", verbose_name=_("心得")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("点赞")
        verbose_name_plural = _("点赞")
        constraints = [
            models.UniqueConstraint(fields=["user", "reflection"], name="like_once_per_user"),
        ]

    def __str__(self):
        return f"{self.user} → {self.reflection_id}"


class PendingReflection(Reflection):
    """The moderation queue in the admin: pending reflections, oldest first."""

    class Meta:
        proxy = True
        ordering = ["created_at", "pk"]
        verbose_name = _("待审核心得")
        verbose_name_plural = _("待审核队列")


class ModerationLog(models.Model):
    """Who approved, rejected, featured, edited or deleted what, and when. Never edited."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("驳回")
        FEATURE = "feature", _("设为精选")
        UNFEATURE = "unfeature", _("取消精选")
        EDIT = "edit", _("编辑")
        DELETE = "delete", _("删除")
        MERGE_TAGS = "merge_tags", _("合并标签")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_logs",
        verbose_name=_("心得"),
    )
    subject = models.CharField(_("对象"), max_length=300)
    reason = models.TextField(_("理由/说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self):
        return f"{self.actor} {self.get_action_display()} {self.subject}"
