"""Drafts: autosave (JSON, for the enhancement script), 存草稿 without JavaScript, 我的草稿.

A draft is its author's alone: every lookup is filtered by the signed-in user,
so anyone else's draft is a 404 that tells nothing.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from experiences.core.web import ForgivingPaginationMixin
from experiences.drafts.forms import DraftForm
from experiences.drafts.models import Draft
from experiences.drafts.selectors import draft_for, drafts_of
from experiences.drafts.services import DraftTooLong, draft_delete, draft_save, draft_was_posted

if TYPE_CHECKING:
    from django.views.generic import FormView

    _FormViewBase = FormView[Any]
else:
    _FormViewBase = object

DRAFTS_PER_PAGE = 20
SAVE_DRAFT = "save_draft"  # the name of the form's second submit button


def _draft_store(request: HttpRequest, form: DraftForm) -> tuple[Draft | None, str]:
    """(draft or None, error message or "")."""
    if not form.is_valid():
        return None, form.first_error()
    data = form.cleaned_data
    try:
        draft = draft_save(
            author=request.user,  # type: ignore[arg-type]
            principle=data["principle"],
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
        )
    except DraftTooLong:
        return None, _("草稿太长\uff0c没有保存。")
    return draft, ""


class DraftAutosaveView(View):
    """POST the form's fields: the draft is saved (or discarded when empty). Answers JSON."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"login_url": reverse("login")}, status=401)
        if self.already_posted(request):
            # A save that was on its way while the form was posted must not bring
            # back the draft the posting just deleted.
            return JsonResponse({"saved": False, "message": ""})
        draft, error = _draft_store(request, DraftForm(request.POST))
        if error:
            return JsonResponse({"error": error}, status=400)
        if draft is None:
            return JsonResponse({"saved": False, "message": ""})
        when = timezone.localtime(draft.updated_at).strftime("%H:%M:%S")
        return JsonResponse(
            {"saved": True, "message": _("草稿已保存\uff08%(when)s\uff09") % {"when": when}}
        )

    @staticmethod
    def already_posted(request: HttpRequest) -> bool:
        try:
            token = uuid.UUID(request.POST.get("submission_token", ""))
        except ValueError:
            return False
        return draft_was_posted(author_id=request.user.pk, token=token)


class DraftOnReflectionFormMixin(_FormViewBase):
    """For the reflection writing view: restores the draft, and saves one on 存草稿.

    Without JavaScript the form's second submit button (``save_draft``) posts the
    same form here; the draft is saved and the form shown again, restored.
    """

    draft: Draft | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        # Not get_initial: the view defines its own, which this would not wrap.
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            initial = kwargs["initial"]
            self.draft = draft_for(author=self.request.user, principle_id=initial.get("principle"))
            if self.draft is not None:
                initial.update(self.draft.form_initial())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["draft"] = self.draft
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if SAVE_DRAFT not in request.POST:
            return super().post(request, *args, **kwargs)
        draft, error = _draft_store(request, DraftForm(request.POST))
        if error:
            # Shown with everything typed still in the form: nothing is lost.
            form = self.get_form()
            form.full_clean()
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        if draft is None:
            messages.info(request, _("表单是空的\uff0c没有可保存的草稿。"))
            return redirect("experiences:reflection_create")
        messages.success(request, _("草稿已保存\uff0c下次打开这个表单会自动恢复。"))
        return redirect(draft.resume_url)


class DraftListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """我的草稿: the signed-in colleague's drafts, newest first."""

    template_name = "drafts/draft_list.html"
    context_object_name = "drafts"
    paginate_by = DRAFTS_PER_PAGE

    def get_queryset(self):
        return drafts_of(author=self.request.user)


class DraftDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = get_object_or_404(Draft, pk=pk, author=request.user)
        draft_delete(draft=draft)
        messages.success(request, _("草稿已删除。"))
        return redirect("experiences:draft_list")
