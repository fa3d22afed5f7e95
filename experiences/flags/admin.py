"""Admin for moderators: flagged reflections and replies (reasons, counts), reviewed by
keeping or removing them, and the read-only record of every flag.

Reviews go through ``flags/services.py``, which logs them and tells each reader.
"""

from collections import Counter

from django.contrib import admin
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.flags.models import Flag, FlaggedReflection, FlaggedReply
from experiences.flags.services import flags_review
from experiences.reflections.models import Reflection
from experiences.reflections.moderation import user_can_moderate
from experiences.replies.models import Reply

OPEN = Q(flags__outcome=Flag.Outcome.OPEN)


class FlaggedItemAdmin(NoEditingMixin, admin.ModelAdmin):
    """Items with open flags, most flagged first; hidden ones say so."""

    concrete: type[Reflection] | type[Reply] = Reflection
    actions = ["keep", "remove"]
    list_select_related = ("author",)
    list_filter = ("flag_hidden",)

    def get_queryset(self, request):
        open_flags = Flag.objects.filter(outcome=Flag.Outcome.OPEN).order_by("created_at")
        return (
            super()
            .get_queryset(request)
            .filter(OPEN)
            .annotate(open_flag_count=Count("flags", filter=OPEN))
            .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
            .order_by("-open_flag_count", "pk")
        )

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)

    def has_moderate_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.display(description=_("举报数"), ordering="open_flag_count")
    def flag_count(self, item):
        return item.open_flag_count

    @admin.display(description=_("举报理由"))
    def flag_reasons(self, item):
        counts = Counter(str(flag.get_reason_display()) for flag in item.open_flags)
        details = [flag.detail for flag in item.open_flags if flag.detail]
        text = "、".join(f"{reason}×{count}" for reason, count in counts.most_common())
        return f"{text}\uff1b{' / '.join(details)}" if details else text

    @admin.display(description=_("已隐藏"), boolean=True)
    def hidden(self, item):
        return item.flag_hidden

    def _review(self, request, queryset, *, keep: bool):
        items, flags = 0, 0
        for item in queryset:
            flags += flags_review(
                item=self.concrete.objects.get(pk=item.pk), keep=keep, moderator=request.user
            )
            items += 1
        return items, flags

    @admin.action(
        description=_("复核\uff1a保留所选内容\uff08恢复显示\uff09"), permissions=["moderate"]
    )
    def keep(self, request, queryset):
        items, flags = self._review(request, queryset, keep=True)
        self.message_user(
            request,
            _("已保留 %(items)d 条内容\uff0c处理举报 %(flags)d 条。")
            % {"items": items, "flags": flags},
        )

    @admin.action(description=_("复核\uff1a移除所选内容\uff08驳回\uff09"), permissions=["moderate"])
    def remove(self, request, queryset):
        items, flags = self._review(request, queryset, keep=False)
        self.message_user(
            request,
            _("已移除 %(items)d 条内容\uff0c处理举报 %(flags)d 条。")
            % {"items": items, "flags": flags},
        )


@admin.register(FlaggedReflection)
class FlaggedReflectionAdmin(FlaggedItemAdmin):
    concrete = Reflection
    list_display = ("__str__", "author", "flag_count", "flag_reasons", "hidden", "created_at")
    readonly_fields = ("author", "title", "body", "status", "created_at")
    fields = readonly_fields


@admin.register(FlaggedReply)
class FlaggedReplyAdmin(FlaggedItemAdmin):
    concrete = Reply
    list_display = ("__str__", "author", "flag_count", "flag_reasons", "hidden", "created_at")
    readonly_fields = ("author", "reflection", "body", "status", "created_at")
    fields = readonly_fields


@admin.register(Flag)
class FlagAdmin(NoEditingMixin, admin.ModelAdmin):
    """Every flag and its outcome; read-only, changed only by reviewing its item."""

    list_display = ("created_at", "reporter", "subject", "reason", "detail", "outcome")
    list_filter = ("outcome", "reason")
    search_fields = ("subject", "detail", "reporter__username")
    list_select_related = ("reporter",)

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)
