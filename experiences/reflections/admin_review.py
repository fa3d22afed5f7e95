"""The moderation queue's item page: everything needed to decide, and the decision, on one page.

The stock read-only change page showed raw Markdown and no tags, and deciding took
three steps (back to the list, tick, choose an action). This page renders the body
as readers will see it, shows the tags and the author's record, and decides with one
POST button: 通过, 通过并设为精选, or 驳回 with the reason typed beside it. Decisions go
through ``moderation.pending_reflection_decide`` and are logged as the list actions are.
A moderator's own reflection is not reviewed here: its page sends them back to the queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from experiences.core.markdown import text_clean
from experiences.core.web import id_from
from experiences.reflections.models import Reflection
from experiences.reflections.moderation import (
    Decision,
    SelfReviewRefused,
    pending_reflection_decide,
    user_can_moderate,
)

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.http import HttpRequest, HttpResponse

    _AdminBase = ModelAdmin[Any]
else:
    _AdminBase = object

HISTORY_SHOWN = 5

DONE_MESSAGES = {
    Decision.APPROVE: gettext_lazy("已通过\u300a%(title)s\u300b\uff0c已发布。"),
    Decision.FEATURE: gettext_lazy("已通过\u300a%(title)s\u300b\uff0c并设为精选。"),
    Decision.REJECT: gettext_lazy("已驳回\u300a%(title)s\u300b\uff0c作者会看到驳回理由。"),
}


OWN_REFLECTION = gettext_lazy("这是你自己的心得\uff0c不能由你审核\uff0c请由其他版主处理。")


class QueueReviewMixin(_AdminBase):
    """Replaces the queue's change page with the review page (GET) and its decisions (POST)."""

    review_template = "admin/experiences/pendingreflection/review.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not user_can_moderate(user=request.user):
            raise Http404
        pk = id_from(object_id)
        reflection = (
            Reflection.objects.filter(pk=pk, status=Reflection.Status.PENDING)
            .select_related("author", "principle__essay")
            .first()
            if pk is not None
            else None
        )
        if reflection is None:
            messages.info(
                request, _("这条心得已不在待审核队列中\uff08可能已被其他版主处理\uff09。")
            )
            return HttpResponseRedirect(self._queue_url())
        if reflection.author_id == request.user.pk:
            messages.warning(request, OWN_REFLECTION)
            return HttpResponseRedirect(self._queue_url())
        errors: list[str] = []
        reason = ""
        if request.method == "POST":
            decision = request.POST.get("decision", "")
            reason = text_clean(request.POST.get("reason", "")).strip()[:1000]
            if decision not in Decision.ALL:
                errors.append(_("请选择通过\u3001通过并设为精选或驳回。"))
            elif decision == Decision.REJECT and not reason:
                errors.append(_("请填写驳回理由\uff0c作者会看到它。"))
            else:
                try:
                    decided = pending_reflection_decide(
                        reflection_id=reflection.pk,
                        decision=decision,
                        moderator=request.user,  # type: ignore[arg-type]
                        reason=reason,
                    )
                except SelfReviewRefused:
                    messages.warning(request, OWN_REFLECTION)
                    return HttpResponseRedirect(self._queue_url())
                if decided is None:
                    messages.info(request, _("这条心得已被其他版主处理\uff0c没有再改动。"))
                else:
                    messages.success(
                        request, str(DONE_MESSAGES[decision]) % {"title": decided.display_title}
                    )
                return HttpResponseRedirect(
                    self._next_url(after=reflection, moderator_id=request.user.pk)
                )
        return TemplateResponse(
            request,
            self.review_template,
            {
                **self.admin_site.each_context(request),
                "title": _("审核心得"),
                "opts": self.model._meta,
                "reflection": reflection,
                "history": self._history(reflection),
                "errors": errors,
                "reason": reason,
                "queue_url": self._queue_url(),
            },
            status=400 if errors else 200,
        )

    def _queue_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _next_url(self, *, after: Reflection, moderator_id: int | None) -> str:
        """The next item in the queue (oldest first) that is not the moderator's own,
        else the queue itself."""
        following = (
            Reflection.objects.filter(status=Reflection.Status.PENDING)
            .exclude(pk=after.pk)
            .exclude(author_id=moderator_id)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if following is None:
            return self._queue_url()
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[following])

    @staticmethod
    def _history(reflection: Reflection) -> dict[str, Any]:
        others = Reflection.objects.filter(author=reflection.author).exclude(pk=reflection.pk)
        counts = others.aggregate(
            published=Count("pk", filter=Q(status=Reflection.Status.PUBLISHED)),
            pending=Count("pk", filter=Q(status=Reflection.Status.PENDING)),
            rejected=Count("pk", filter=Q(status=Reflection.Status.REJECTED)),
        )
        recent = list(
            others.select_related("principle").order_by("-created_at", "-pk")[:HISTORY_SHOWN]
        )
        return {**counts, "recent": recent, "joined": reflection.author.date_joined}
