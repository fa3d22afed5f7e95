"""Admin for moderators: flagged reflections and replies (reasons, counts, trust weight),
reviewed by keeping or removing them, and the read-only record of every flag.

Reviews go through ``flags/services.py``, which logs them and tells each reader. Items
the moderator wrote or flagged stay listed, marked for another moderator; the actions
skip them and say so (nobody reviews their own).
"""

from collections import Counter

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, Sum, When
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.flags.models import Flag, FlaggedReflection, FlaggedReply
from experiences.flags.services import flags_review
from experiences.moderation.services import SelfReviewRefused, user_can_moderate
from experiences.reflections.admin_review import ReviewDecision, ReviewPageMixin, author_record
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply

OPEN = Q(flags__outcome=Flag.Outcome.OPEN)

OWN_SKIPPED = _(
    "不能复核自己发表或自己举报的内容\uff1a已跳过其中 %(count)d 条\uff0c请由其他版主处理。"
)


class FlaggedReviewMixin(ReviewPageMixin):
    """A flagged item's review page: 保留 or 移除 (reflections/admin_review.py), never one's
    own or one the moderator flagged."""

    review_title = _("复核举报")
    decisions = (
        ReviewDecision("keep", _("保留\uff08恢复显示\uff09"), primary=True),
        ReviewDecision("remove", _("移除\uff08驳回\uff09")),
    )
    gone_message = _("这条内容已没有待处理的举报\uff08可能已被其他版主复核\uff09。")
    own_message = _("不能复核自己发表或自己举报的内容\uff0c请由其他版主处理。")
    handled_message = _("这条内容的举报已被其他版主处理\uff0c没有再改动。")

    def review_item(self, request, pk):
        return self.get_queryset(request).filter(pk=pk).select_related("author").first()

    def review_is_own(self, request, item):
        return bool(item.viewer_own)

    def review_decide(self, request, item, decision, reason):
        closed = flags_review(
            item=self.concrete.objects.get(pk=item.pk),
            keep=decision == "keep",
            moderator=request.user,
        )
        return item if closed else None

    def review_done_message(self, item, decision):
        if decision == "keep":
            return str(_("已保留这条内容\uff0c举报已处理\uff0c举报人会收到通知。"))
        return str(_("已移除这条内容\uff0c作者会看到举报理由。"))

    def review_next(self, request, after):
        return (
            self.get_queryset(request)
            .exclude(pk=after.pk)
            .filter(viewer_own=False)
            .values_list("pk", flat=True)
            .first()
        )

    def review_context(self, request, item):
        counts = Counter(str(flag.get_reason_display()) for flag in item.open_flags)
        if self.concrete is Reply:
            heading = _("回复心得\u300a%(title)s\u300b") % {"title": item.reflection.display_title}
            link = item.reflection
        else:
            heading, link = item.display_title, item
        return {
            "kind": _("回复") if self.concrete is Reply else _("心得"),
            "heading": heading,
            "context_link": link if item.status == Reflection.Status.PUBLISHED else None,
            "flags": item.open_flags,
            "flag_summary": "\u3001".join(f"{r}\u00d7{n}" for r, n in counts.most_common()),
            "flag_weight": f"{item.open_flag_weight or 0} / {settings.KB_FLAG_HIDE_THRESHOLD}",
            "record": author_record(item.author, exclude=item),
        }


class FlaggedItemAdmin(FlaggedReviewMixin, NoEditingMixin, admin.ModelAdmin):
    """Items with open flags, most flagged first; hidden ones say so. Each item's page
    is its review page."""

    concrete: type[Reflection] | type[Reply] = Reflection
    actions = ["keep", "remove"]
    list_select_related = ("author",)
    list_filter = ("flag_hidden",)

    def get_queryset(self, request):
        open_flags = Flag.objects.filter(outcome=Flag.Outcome.OPEN).order_by("created_at")
        field = "reply" if self.concrete is Reply else "reflection"
        flagged_by_viewer = Exists(
            open_flags.filter(reporter_id=request.user.pk, **{field: OuterRef("pk")})
        )
        return (
            super()
            .get_queryset(request)
            .filter(OPEN)
            .annotate(
                open_flag_count=Count("flags", filter=OPEN),
                open_flag_weight=Sum("flags__weight", filter=OPEN),
                viewer_own=Case(
                    When(author_id=request.user.pk, then=True),
                    When(flagged_by_viewer, then=True),
                    default=False,
                    output_field=BooleanField(),
                ),
            )
            .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
            .order_by("-open_flag_weight", "-open_flag_count", "pk")
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

    @admin.display(description=_("分量"), ordering="open_flag_weight")
    def flag_weight(self, item):
        # Against the hiding threshold: new accounts' flags weigh 0 (flags/services.py).
        return f"{item.open_flag_weight or 0} / {settings.KB_FLAG_HIDE_THRESHOLD}"

    @admin.display(description=_("复核"))
    def reviewer(self, item):
        return _("须由其他版主复核") if item.viewer_own else ""

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
        items, flags, own = 0, 0, 0
        for item in queryset:
            try:
                flags += flags_review(
                    item=self.concrete.objects.get(pk=item.pk), keep=keep, moderator=request.user
                )
            except SelfReviewRefused:
                own += 1  # the service changed nothing and told nobody
                continue
            items += 1
        if own:
            self.message_user(request, OWN_SKIPPED % {"count": own}, level=messages.WARNING)
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
    list_display = (
        "__str__",
        "author",
        "flag_count",
        "flag_weight",
        "flag_reasons",
        "hidden",
        "reviewer",
        "created_at",
    )
    readonly_fields = ("author", "title", "body", "status", "created_at")
    fields = readonly_fields


@admin.register(FlaggedReply)
class FlaggedReplyAdmin(FlaggedItemAdmin):
    concrete = Reply
    list_display = (
        "__str__",
        "author",
        "flag_count",
        "flag_weight",
        "flag_reasons",
        "hidden",
        "reviewer",
        "created_at",
    )
    readonly_fields = ("author", "reflection", "body", "status", "created_at")
    fields = readonly_fields


@admin.register(Flag)
class FlagAdmin(NoEditingMixin, admin.ModelAdmin):
    """Every flag and its outcome; read-only, changed only by reviewing its item."""

    list_display = ("created_at", "reporter", "subject", "reason", "detail", "weight", "outcome")
    list_filter = ("outcome", "reason")
    search_fields = ("subject", "detail", "reporter__username")
    list_select_related = ("reporter",)

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)
