"""Review pages: one item, everything needed to decide, and the decision, on one page.

The stock read-only change page showed raw Markdown and no tags, and deciding took
three steps (back to the list, tick, choose an action). A review page renders the
body as readers will see it, shows the author's record, and decides with one POST
button, then opens the next item. ``ReviewPageMixin`` is the page; each queue says
what its items are and which decisions it offers: pending reflections (通过,
通过并设为精选, 驳回 with a reason; ``QueueReviewMixin`` below), pending replies
(replies/admin.py) and items with open 举报 (保留, 移除; flags/admin.py). Decisions go
through the services and are logged as the list actions are. Nobody reviews their
own item (or, for 举报, one they flagged): its page sends them back to the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from experiences.moderation.services import SelfReviewRefused, user_can_moderate
from experiences.reflections.models import Reflection
from experiences.reflections.moderation import Decision, pending_reflection_decide

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.http import HttpRequest, HttpResponse
    from django_stubs_ext import StrOrPromise

    from experiences.accounts.models import User

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


@dataclass(frozen=True)
class ReviewDecision:
    value: str
    label: StrOrPromise
    needs_reason: bool = False
    primary: bool = False


# Parts of an author's record that domains above reflections add, under their name:
# ``part(author, exclude)`` (replies/admin.py adds "replies", their replies by status).
RecordPart = Callable[["User", Any], dict[str, Any]]
_record_parts: dict[str, RecordPart] = {}


def author_record_part(name: str, part: RecordPart) -> None:
    """Add (or replace, under ``name``) a part of every review page's author record."""
    _record_parts[name] = part


def status_counts() -> dict[str, Count]:
    """Items by moderation state, for ``aggregate`` (reflections and replies share them)."""
    statuses = Reflection.Status
    return {
        "published": Count("pk", filter=Q(status=statuses.PUBLISHED)),
        "pending": Count("pk", filter=Q(status=statuses.PENDING)),
        "rejected": Count("pk", filter=Q(status=statuses.REJECTED)),
    }


def author_record(author: User, *, exclude: Any = None) -> dict[str, Any]:
    """The author's other reflections by status, their latest reflections, and the
    registered parts (their replies); ``exclude`` is the item under review."""
    reflections = Reflection.objects.filter(author=author)
    if isinstance(exclude, Reflection):
        reflections = reflections.exclude(pk=exclude.pk)
    recent = list(
        reflections.select_related("principle").order_by("-created_at", "-pk")[:HISTORY_SHOWN]
    )
    return {
        **reflections.aggregate(**status_counts()),
        **{name: part(author, exclude) for name, part in _record_parts.items()},
        "recent": recent,
        "joined": author.date_joined,
    }


class ReviewPageMixin(_AdminBase):
    """Replaces a queue's change page with its review page (GET) and decisions (POST)."""

    review_template = "admin/experiences/review.html"
    review_title: StrOrPromise = ""
    decisions: tuple[ReviewDecision, ...] = ()
    gone_message: StrOrPromise = ""
    own_message: StrOrPromise = ""
    handled_message: StrOrPromise = ""

    # What a queue says about its items.
    def review_item(self, request: HttpRequest, pk: int) -> Any:
        raise NotImplementedError

    def review_is_own(self, request: HttpRequest, item: Any) -> bool:
        return bool(item.author_id == request.user.pk)

    def review_decide(self, request: HttpRequest, item: Any, decision: str, reason: str) -> Any:
        """The decision through its service; None when another moderator got there first."""
        raise NotImplementedError

    def review_done_message(self, item: Any, decision: str) -> str:
        raise NotImplementedError

    def review_next(self, request: HttpRequest, after: Any) -> int | None:
        raise NotImplementedError

    def review_context(self, request: HttpRequest, item: Any) -> dict[str, Any]:
        return {}

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
        item = self.review_item(request, pk) if pk is not None else None
        if item is None:
            messages.info(request, str(self.gone_message))
            return HttpResponseRedirect(self._queue_url())
        if self.review_is_own(request, item):
            messages.warning(request, str(self.own_message))
            return HttpResponseRedirect(self._queue_url())
        errors: list[str] = []
        reason = ""
        if request.method == "POST":
            chosen = {decision.value: decision for decision in self.decisions}
            decision = chosen.get(request.POST.get("decision", ""))
            reason = text_clean(request.POST.get("reason", "")).strip()[:1000]
            if decision is None:
                errors.append(
                    _("请选择\uff1a%(choices)s。")
                    % {"choices": "\u3001".join(str(d.label) for d in self.decisions)}
                )
            elif decision.needs_reason and not reason:
                errors.append(_("请填写驳回理由\uff0c作者会看到它。"))
            else:
                try:
                    decided = self.review_decide(request, item, decision.value, reason)
                except SelfReviewRefused:
                    messages.warning(request, str(self.own_message))
                    return HttpResponseRedirect(self._queue_url())
                if decided is None:
                    messages.info(request, str(self.handled_message))
                else:
                    messages.success(request, self.review_done_message(decided, decision.value))
                return HttpResponseRedirect(self._next_url(request, item))
        return TemplateResponse(
            request,
            self.review_template,
            {
                **self.admin_site.each_context(request),
                "title": self.review_title,
                "opts": self.model._meta,
                "item": item,
                "decisions": self.decisions,
                "asks_reason": any(d.needs_reason for d in self.decisions),
                "errors": errors,
                "reason": reason,
                "queue_url": self._queue_url(),
                **self.review_context(request, item),
            },
            status=400 if errors else 200,
        )

    def _queue_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _next_url(self, request: HttpRequest, after: Any) -> str:
        """The queue's next item that is not the moderator's own, else the queue itself."""
        following = self.review_next(request, after)
        if following is None:
            return self._queue_url()
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[following])


class QueueReviewMixin(ReviewPageMixin):
    """Pending reflections: 通过, 通过并设为精选, 驳回 with a reason."""

    review_template = "admin/experiences/pendingreflection/review.html"
    review_title = gettext_lazy("审核心得")
    decisions = (
        ReviewDecision(Decision.APPROVE, gettext_lazy("通过"), primary=True),
        ReviewDecision(Decision.FEATURE, gettext_lazy("通过并设为精选")),
        ReviewDecision(Decision.REJECT, gettext_lazy("驳回"), needs_reason=True),
    )
    gone_message = gettext_lazy("这条心得已不在待审核队列中\uff08可能已被其他版主处理\uff09。")
    own_message = OWN_REFLECTION
    handled_message = gettext_lazy("这条心得已被其他版主处理\uff0c没有再改动。")

    def review_item(self, request: HttpRequest, pk: int) -> Reflection | None:
        return (
            Reflection.objects.filter(pk=pk, status=Reflection.Status.PENDING)
            .select_related("author", "principle__essay")
            .first()
        )

    def review_decide(
        self, request: HttpRequest, item: Reflection, decision: str, reason: str
    ) -> Reflection | None:
        return pending_reflection_decide(
            reflection_id=item.pk,
            decision=decision,
            moderator=request.user,  # type: ignore[arg-type]
            reason=reason,
        )

    def review_done_message(self, item: Reflection, decision: str) -> str:
        return str(DONE_MESSAGES[decision]) % {"title": item.display_title}

    def review_next(self, request: HttpRequest, after: Reflection) -> int | None:
        """The oldest pending reflection that is not the moderator's own."""
        return (
            Reflection.objects.filter(status=Reflection.Status.PENDING)
            .exclude(pk=after.pk)
            .exclude(author_id=request.user.pk)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )

    def review_context(self, request: HttpRequest, item: Reflection) -> dict[str, Any]:
        return {"reflection": item, "history": self._history(item)}

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
