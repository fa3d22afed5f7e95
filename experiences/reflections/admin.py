"""Admin for moderators: the queue, reflections with approve/reject/feature, the log, exports.

Every change goes through ``reflections/moderation.py`` or ``reflections/services.py``,
which log it; derived state (search, cached pages) follows through receivers.
"""

from django.contrib import admin
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.core.caching import pages_changed
from experiences.core.site import site_url
from experiences.moderation.admin import own_items_skip, reject_action
from experiences.moderation.services import user_can_moderate
from experiences.reflections.admin_review import QueueReviewMixin
from experiences.reflections.exports import reflections_csv, reflections_json
from experiences.reflections.models import ModerationLog, PendingReflection, Reflection
from experiences.reflections.moderation import (
    reflection_feature,
    reflection_publish,
    reflection_reject,
)
from experiences.reflections.services import reflection_delete, reflection_moderator_edit

QUEUE_EXCERPT_CHARS = 80


class ModerationActionsMixin:
    """Approve, reject (with a reason the author reads) and feature, each logged."""

    actions = ["approve", "reject", "feature", "unfeature"]

    def has_moderate_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.action(description=_("通过所选心得\uff08发布\uff09"), permissions=["moderate"])
    def approve(self, request, queryset):
        count = 0
        queryset = own_items_skip(self, request, queryset)
        for reflection in queryset.exclude(status=Reflection.Status.PUBLISHED):
            reflection_publish(reflection=reflection, moderator=request.user)
            count += 1
        self.message_user(request, _("已发布 %(count)d 条心得。") % {"count": count})

    @admin.action(description=_("驳回所选心得\uff08需填写理由\uff09"), permissions=["moderate"])
    def reject(self, request, queryset):
        return reject_action(
            self,
            request,
            queryset,
            reject=lambda reflection, reason: reflection_reject(
                reflection=reflection, reason=reason, moderator=request.user
            ),
            done=_("已驳回 %(count)d 条心得。"),
            template="admin/experiences/reflection_reject.html",
            title=_("驳回心得"),
        )

    @admin.action(description=_("设为精选"), permissions=["moderate"])
    def feature(self, request, queryset):
        queryset = own_items_skip(self, request, queryset)
        count = sum(
            reflection_feature(reflection=r, featured=True, moderator=request.user)
            for r in queryset
        )
        self.message_user(request, _("已将 %(count)d 条心得设为精选。") % {"count": count})

    @admin.action(description=_("取消精选"), permissions=["moderate"])
    def unfeature(self, request, queryset):
        count = sum(
            reflection_feature(reflection=r, featured=False, moderator=request.user)
            for r in queryset
        )
        self.message_user(request, _("已取消 %(count)d 条心得的精选。") % {"count": count})


@admin.register(Reflection)
class ReflectionAdmin(ModerationActionsMixin, admin.ModelAdmin):
    actions = [*ModerationActionsMixin.actions, "export_csv", "export_json"]
    list_display = ("__str__", "author", "principle", "status", "is_featured", "created_at")
    list_filter = ("status", "is_featured", "principle")
    search_fields = ("title", "body", "author__username", "author__display_name")
    list_select_related = ("author", "principle")
    readonly_fields = (
        "author",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "published_at",
    )
    fields = (
        "author",
        "principle",
        "title",
        "body",
        "tags",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "published_at",
    )

    def has_add_permission(self, request):
        return False  # reflections are written on the site, by their authors

    @staticmethod
    def _export(request, queryset, *, render, extension: str, content_type: str):
        content = render(queryset, base_url=site_url())  # never the Host header
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="reflections-{stamp}.{extension}"'
        return response

    @admin.action(description=_("导出所选中已发布的心得\uff08CSV,Excel/WPS 可直接打开\uff09"))
    def export_csv(self, request, queryset):
        return self._export(
            request,
            queryset,
            render=reflections_csv,
            extension="csv",
            content_type="text/csv; charset=utf-8",
        )

    @admin.action(description=_("导出所选中已发布的心得\uff08JSON\uff09"))
    def export_json(self, request, queryset):
        return self._export(
            request,
            queryset,
            render=reflections_json,
            extension="json",
            content_type="application/json; charset=utf-8",
        )

    def save_model(self, request, obj, form, change):
        # The same renderer, cleaning and log as every other edit: the service.
        reflection_moderator_edit(reflection=obj, moderator=request.user, changed=form.changed_data)

    def save_related(self, request, form, formsets, change):
        # Tags are saved here, after the reflection; the search receivers follow them.
        super().save_related(request, form, formsets, change)
        pages_changed()

    def delete_model(self, request, obj):
        reflection_delete(reflection=obj, moderator=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for reflection in queryset:
            reflection_delete(reflection=reflection, moderator=request.user)


@admin.register(PendingReflection)
class PendingReflectionAdmin(
    QueueReviewMixin, NoEditingMixin, ModerationActionsMixin, admin.ModelAdmin
):
    """The queue: pending reflections, oldest first, with bulk approve/reject/feature;
    each item's page is the review page (``admin_review``)."""

    # One column holding title, author, date, principle and a plain-text excerpt: on a
    # phone five columns pushed the date and excerpt off-screen.
    list_display = ("queue_item",)
    list_display_links = None

    class Media:
        css = {"all": ["css/admin-review.css"]}

    list_select_related = ("author", "principle")
    list_filter = ("principle",)
    search_fields = ("title", "body", "author__username")
    ordering = ("created_at", "pk")
    actions = ["approve", "reject"]
    readonly_fields = ("author", "principle", "title", "body", "created_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Reflection.Status.PENDING)

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.display(description=_("待审核的心得\uff08先来的在前\uff09"))
    def queue_item(self, reflection):
        principle = (
            f"{reflection.principle.baseline} · {reflection.principle.emphasis}"
            if reflection.principle
            else _("通用心得")
        )
        return format_html(
            '<a class="queue-title" href="{}">{}</a>'
            '<span class="queue-meta">{} · {} · {}</span>'
            '<span class="queue-excerpt">{}</span>',
            reverse("admin:experiences_pendingreflection_change", args=[reflection.pk]),
            reflection.display_title,
            reflection.author,
            date_format(timezone.localtime(reflection.created_at), "Y年n月j日 H:i"),
            principle,
            Truncator(reflection.excerpt).chars(QUEUE_EXCERPT_CHARS),
        )


@admin.register(ModerationLog)
class ModerationLogAdmin(NoEditingMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: a log that can be edited proves nothing."""

    list_display = ("created_at", "actor_label", "action", "subject", "reason")
    list_filter = ("action", "actor")
    search_fields = ("subject", "reason", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    @admin.display(description=_("操作人"), ordering="actor")
    def actor_label(self, log):
        # A deleted account shows its pseudonym and former role (accounts.deletion).
        # No actor: a decision the site made itself (a "-" read as a stray mark).
        return log.actor.pseudonym if log.actor is not None else _("系统")
