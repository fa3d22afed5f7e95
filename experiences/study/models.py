"""学习专题 (study topics) and the reminders organisers ask for.

A topic targets units; a unit includes its subtree, so targeting a 乡镇 assigns
every 村 under it. Members write an ordinary reflection linked to the topic
(``Reflection.study_topic``): pending counts as 已提交, published as 已通过.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from experiences.essays.models import Principle
from experiences.units.models import Unit


class StudyTopicQuerySet(models.QuerySet["StudyTopic"]):
    def open_on(self, day) -> "StudyTopicQuerySet":
        """Topics a member may still write for on ``day``: started, and not past due."""
        return self.filter(start_date__lte=day, due_date__gte=day)


class StudyTopic(models.Model):
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="study_topics", verbose_name=_("学习的原则")
    )
    start_date = models.DateField(_("开始日期"))
    due_date = models.DateField(_("截止日期"))
    target_units = models.ManyToManyField(
        Unit,
        related_name="study_topics",
        verbose_name=_("参学单位"),
        help_text=_("选中的单位包括其全部下级单位。"),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_topics",
        verbose_name=_("组织员"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = StudyTopicQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date", "-pk"]
        verbose_name = _("学习专题")
        verbose_name_plural = _("学习专题")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")), name="study_topic_due_after_start"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="study_topic_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("experiences:study_report", kwargs={"pk": self.pk})

    def clean(self):
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("截止日期不能早于开始日期。")})


class StudyReminderRequest(models.Model):
    """An organiser's (or the daily command's) request to remind members who have not submitted.

    Delivery is done by the notification queue, which marks ``sent_at``.
    """

    topic = models.ForeignKey(
        StudyTopic,
        on_delete=models.CASCADE,
        related_name="reminder_requests",
        verbose_name=_("学习专题"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    recipients = models.PositiveIntegerField(_("待提醒人数"), default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("提醒请求")
        verbose_name_plural = _("提醒请求")

    def __str__(self):
        return f"{self.topic} @ {self.created_at:%Y-%m-%d %H:%M}"
