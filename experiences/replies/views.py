"""Replies (回复): writing one (or quoting one), editing and deleting your own.

The thread itself is shown on the reflection's page through the ``replies``
template tags. Thin views: the rules live in ``replies/services.py``.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DeleteView, FormView
from django.views.generic.detail import SingleObjectMixin

from experiences.core.web import id_from
from experiences.moderation.services import ReplyRateLimited
from experiences.reflections.models import Reflection
from experiences.replies.forms import ReplyForm
from experiences.replies.models import Reply
from experiences.replies.services import (
    ReplyClosed,
    quotable_replies,
    reply_create,
    reply_delete,
    reply_update,
)


class ReplyCreateView(LoginRequiredMixin, FormView):
    """/reflections/<pk>/replies/new/: the form on its own page (quoting, or after an error)."""

    form_class = ReplyForm
    template_name = "replies/reply_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.reflection = get_object_or_404(Reflection.objects.published(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def quoted_reply(self) -> Reply | None:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        pk = id_from(source.get("quoted") or source.get("quote"))
        if pk is None:
            return None
        replies = quotable_replies(reflection=self.reflection).select_related("author")
        return replies.filter(pk=pk).first()

    def get_initial(self):
        quoted = self.quoted_reply()
        return {"submission_token": uuid.uuid4(), "quoted": quoted.pk if quoted else ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reflection=self.reflection, quoted=self.quoted_reply(), **kwargs
        )

    def form_valid(self, form):
        try:
            reply, created = reply_create(
                author=self.request.user,
                reflection=self.reflection,
                body=form.cleaned_data["body"],
                quoted=self.quoted_reply(),
                submission_token=form.cleaned_data["submission_token"],
            )
        except ReplyRateLimited:
            form.add_error(
                None,
                _(
                    "回复太频繁了\uff1a每小时最多 %(limit)d 条回复\uff0c"
                    "请稍后再试。你写的内容还在下面。"
                )
                % {"limit": settings.REPLIES_PER_HOUR},
            )
            return self.form_invalid(form)
        except ReplyClosed:
            messages.error(self.request, _("这条心得目前不能回复。"))
            return redirect(self.reflection)
        if created:
            if reply.status == Reply.Status.PUBLISHED:
                messages.success(self.request, _("回复已发布。"))
            else:
                messages.success(
                    self.request, _("回复已提交\uff0c待审核。审核通过后其他人就能看到。")
                )
        return redirect(reply.get_absolute_url())


class OwnReplyMixin(LoginRequiredMixin):
    """Only the author's own replies: anyone else gets a 404, learning nothing."""

    context_object_name: str | None = "reply"

    def get_queryset(self):
        return Reply.objects.filter(author=self.request.user).select_related("reflection")


class ReplyUpdateView(OwnReplyMixin, SingleObjectMixin, FormView):
    form_class = ReplyForm
    template_name = "replies/reply_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"body": self.object.body}

    def get_context_data(self, **kwargs):
        return super().get_context_data(reflection=self.object.reflection, **kwargs)

    def form_valid(self, form):
        reply_update(reply=self.object, body=form.cleaned_data["body"])
        messages.success(self.request, _("修改已保存。"))
        return redirect(self.object.get_absolute_url())


class ReplyDeleteView(OwnReplyMixin, DeleteView):
    template_name = "replies/reply_confirm_delete.html"

    def form_valid(self, form):
        reflection = self.object.reflection
        reply_delete(reply=self.object)
        messages.success(self.request, _("回复已删除。"))
        return redirect(reflection)
