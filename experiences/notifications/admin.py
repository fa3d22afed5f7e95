"""Admin of notifications: read-only lists, and the dead letters of the mail queue.

Notifications are written by the site only. Dead letters (``FailedTask``) can be sent
back to the queue once the cause (a mail server down) is fixed.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.notifications.models import FailedTask, Notification
from experiences.notifications.tasks import MAIL_TASK, failed_task_retry


@admin.register(Notification)
class NotificationAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ("text", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "reflection")


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
        for failed_task in queryset.filter(task=MAIL_TASK):
            failed_task_retry(failed_task=failed_task)
            count += 1
        self.message_user(request, _("已重新投递 %(count)d 个任务。") % {"count": count})
