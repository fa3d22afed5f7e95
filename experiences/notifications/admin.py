"""Admin of notifications: read-only lists, the mail outbox and the queue's dead letters.

Notifications and mails are written by the site only. A mail that failed after all
its retries (待发邮件, state 已放弃) shows its attempts and last error and can be sent
again once the cause (a mail server down) is fixed; so can the other jobs' dead
letters (``FailedTask``).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.notifications.models import FailedTask, Notification, OutgoingMail
from experiences.notifications.tasks import failed_task_retry, outgoing_mail_retry


@admin.register(Notification)
class NotificationAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ("text", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "reflection")


class MailStateFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unsent", _("待发送")), ("sent", _("已发出")), ("failed", _("已放弃"))]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "attempts", "created_at", "sent_at", "failed_at", "error")
    list_filter = (MailStateFilter,)
    search_fields = ("to", "subject", "message_id")
    readonly_fields = (
        "recipient",
        "to",
        "subject",
        "body",
        "message_id",
        "created_at",
        "due_at",
        "sent_at",
        "attempts",
        "last_error",
        "failed_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("最近的错误"))
    def error(self, obj):
        return obj.last_error.splitlines()[-1][:120] if obj.last_error else ""

    @admin.action(description=_("重新发送所选邮件"), permissions=["delete"])
    def retry(self, request, queryset):
        count = 0
        for mail in queryset.filter(sent_at__isnull=True):
            outgoing_mail_retry(mail=mail)
            count += 1
        self.message_user(request, _("已重新投递 %(count)d 封邮件。") % {"count": count})


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("task", "job_id", "attempts", "failed_at")
    readonly_fields = ("job_id", "task", "arguments", "error", "attempts", "failed_at")
    actions = ["retry"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新投递所选任务"), permissions=["delete"])
    def retry(self, request, queryset):
        count = 0
        for failed_task in queryset:
            failed_task_retry(failed_task=failed_task)
            count += 1
        self.message_user(request, _("已重新投递 %(count)d 个任务。") % {"count": count})
