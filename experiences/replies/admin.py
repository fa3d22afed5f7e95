"""Admin for moderators: every reply, and the queue of pending replies with approve/reject.

Every change goes through ``replies/moderation.py`` or ``replies/services.py``, which
log it and keep the reflection's reply count.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.moderation.admin import own_items_skip, reject_action
from experiences.moderation.services import user_can_moderate
from experiences.reflections.admin_review import (
    ReviewDecision,
    ReviewPageMixin,
    author_record,
    author_record_part,
    status_counts,
)
from experiences.replies.models import PendingReply, Reply
from experiences.replies.moderation import pending_reply_decide, reply_publish, reply_reject
from experiences.replies.services import reply_delete, reply_moderator_edit


def replies_record(author, exclude) -> dict:
    """An author's other replies by status, on every review page (reflections/admin_review.py)."""
    replies = Reply.objects.filter(author=author)
    if isinstance(exclude, Reply):
        replies = replies.exclude(pk=exclude.pk)
    return replies.aggregate(**status_counts())


# Review pages are the admin's: registered when the admin loads this module.
author_record_part("replies", replies_record)


class ReplyModerationMixin:
    """Approve and reject (with a reason the author reads), each logged; never one's own."""

    def has_moderate_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.action(description=_("通过所选回复\uff08发布\uff09"), permissions=["moderate"])
    def approve(self, request, queryset):
        count = 0
        queryset = own_items_skip(self, request, queryset)
        for reply in queryset.exclude(status=Reply.Status.PUBLISHED):
            reply_publish(reply=Reply.objects.get(pk=reply.pk), moderator=request.user)
            count += 1
        self.message_user(request, _("已发布 %(count)d 条回复。") % {"count": count})

    @admin.action(description=_("驳回所选回复\uff08需填写理由\uff09"), permissions=["moderate"])
    def reject(self, request, queryset):
        return reject_action(
            self,
            request,
            queryset,
            reject=lambda reply, reason: reply_reject(
                reply=Reply.objects.get(pk=reply.pk), reason=reason, moderator=request.user
            ),
            done=_("已驳回 %(count)d 条回复。"),
            template="admin/experiences/reply_reject.html",
            title=_("驳回回复"),
        )


@admin.register(Reply)
class ReplyAdmin(ReplyModerationMixin, admin.ModelAdmin):
    actions = ["approve", "reject"]
    list_display = ("__str__", "author", "reflection", "status", "flag_hidden", "created_at")
    list_filter = ("status", "flag_hidden")
    search_fields = ("body", "author__username", "author__display_name")
    list_select_related = ("author", "reflection")
    readonly_fields = ("author", "reflection", "quoted", "status", "rejection_reason", "created_at")
    fields = ("author", "reflection", "quoted", "body", "status", "rejection_reason", "created_at")

    def has_add_permission(self, request):
        return False  # replies are written on the site, by their authors

    # Moderating replies is part of moderating reflections: the 版主 role's one permission.
    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_change_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)

    def save_model(self, request, obj, form, change):
        reply_moderator_edit(reply=obj, moderator=request.user, changed=form.changed_data)

    def delete_model(self, request, obj):
        reply_delete(reply=obj, moderator=request.user)

    def delete_queryset(self, request, queryset):
        for reply in queryset:
            reply_delete(reply=reply, moderator=request.user)


class ReplyReviewMixin(ReviewPageMixin):
    """A pending reply's review page: 通过, or 驳回 with a reason (reflections/admin_review.py)."""

    review_title = _("审核回复")
    decisions = (
        ReviewDecision("approve", _("通过"), primary=True),
        ReviewDecision("reject", _("驳回"), needs_reason=True),
    )
    gone_message = _("这条回复已不在待审核队列中\uff08可能已被其他版主处理\uff09。")
    own_message = _("这是你自己的回复\uff0c不能由你审核\uff0c请由其他版主处理。")
    handled_message = _("这条回复已被其他版主处理\uff0c没有再改动。")

    def review_item(self, request, pk):
        return (
            Reply.objects.filter(pk=pk, status=Reply.Status.PENDING)
            .select_related("author", "reflection", "quoted__author")
            .first()
        )

    def review_decide(self, request, item, decision, reason):
        return pending_reply_decide(
            reply_id=item.pk, approve=decision == "approve", moderator=request.user, reason=reason
        )

    def review_done_message(self, item, decision):
        if decision == "approve":
            return str(_("已通过这条回复\uff0c已发布。"))
        return str(_("已驳回这条回复\uff0c作者会看到驳回理由。"))

    def review_next(self, request, after):
        return (
            Reply.objects.filter(status=Reply.Status.PENDING)
            .exclude(pk=after.pk)
            .exclude(author_id=request.user.pk)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )

    def review_context(self, request, item):
        return {
            "kind": _("回复"),
            "heading": _("回复心得\u300a%(title)s\u300b")
            % {"title": item.reflection.display_title},
            "context_link": item.reflection,
            "record": author_record(item.author, exclude=item),
        }


@admin.register(PendingReply)
class PendingReplyAdmin(ReplyReviewMixin, NoEditingMixin, ReplyModerationMixin, admin.ModelAdmin):
    """The queue: pending replies, oldest first, with bulk approve/reject; each item's
    page is its review page."""

    actions = ["approve", "reject"]
    list_display = ("body_excerpt", "author", "reflection", "created_at")
    list_select_related = ("author", "reflection")
    search_fields = ("body", "author__username")
    ordering = ("created_at", "pk")
    readonly_fields = ("author", "reflection", "quoted", "body", "created_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Reply.Status.PENDING)

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.display(description=_("回复摘要"))
    def body_excerpt(self, reply):
        return reply.body[:60]
