"""A colleague's notifications, and the mail jobs that failed for good (the dead letters).

A notification keeps its own text and link: it reads the same after the reflection,
reply or topic it speaks of changes, and a page of them needs no joins.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REFLECTION_APPROVED = "reflection_approved", _("心得已通过审核")
        REFLECTION_REJECTED = "reflection_rejected", _("心得被驳回")
        LIKES = "likes", _("点赞")
        REPLY = "reply", _("回复")
        FLAG_OUTCOME = "flag_outcome", _("举报处理结果")
        STUDY_ASSIGNED = "study_assigned", _("学习专题已布置")
        STUDY_DUE = "study_due", _("学习专题即将到期")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    text = models.CharField(_("内容"), max_length=300)
    detail = models.TextField(_("详情"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    # Only for gathered 点赞: one unread notification per reflection counts them.
    reflection = models.ForeignKey(
        "experiences.Reflection",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("心得"),
    )
    count = models.PositiveIntegerField(_("人数"), default=1)
    # Only for gathered 点赞: the colleagues counted, so ``count`` is how many distinct
    # people liked while it was unread (toggling 点赞 again counts no one twice).
    likers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("点赞的同事")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-updated_at"], name="notification_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            # 点赞 are gathered: while unread, one notification per reflection.
            models.UniqueConstraint(
                fields=["recipient", "reflection"],
                condition=Q(kind="likes", read_at__isnull=True),
                name="notification_one_unread_likes",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class FailedTask(models.Model):
    """A queued job that failed after all its retries: kept for an administrator to look at."""

    job_id = models.CharField(_("任务编号"), max_length=100)
    task = models.CharField(_("任务"), max_length=200)
    arguments = models.JSONField(_("参数"), default=dict)
    error = models.TextField(_("错误"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"))
    failed_at = models.DateTimeField(_("失败时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("失败的任务")
        verbose_name_plural = _("失败的任务\uff08死信\uff09")
        ordering = ["-failed_at", "-pk"]

    def __str__(self):
        return f"{self.task} #{self.job_id}"


class OutgoingMail(models.Model):
    """One mail to send (the outbox): written in the transaction of the change that causes it.

    The queue carries only its id. Redis or the worker may lose the job: a periodic
    sweep queues again every mail not sent by its due time, so nothing is lost while
    either is down. ``message_id`` is chosen once, so a mail sent a second time after
    a crash (accepted by the mail server, not yet recorded) is the same message.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("接收人"),
    )
    to = models.EmailField(_("收件地址"))
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    message_id = models.CharField(_("邮件编号"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # When the sweep queues it (again) if it has not gone out by then.
    due_at = models.DateTimeField(_("应发时间"))
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近的错误"), blank=True)
    # Set after the last retry failed: a dead letter, until an administrator retries it.
    failed_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outgoing_mail_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.to}\uff1a{self.subject}"
