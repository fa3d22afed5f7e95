"""Reflections (心得): the list, writing, editing, deleting and 点赞 (one reflection's
page is reading/pages.py).

Thin views: the rules live in ``reflections/services.py``.
"""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DeleteView, FormView, ListView
from django.views.generic.detail import SingleObjectMixin

from experiences.core.markdown import markdown_render
from experiences.core.shared_pages import SignedInPageCacheMixin
from experiences.core.web import (
    REFLECTIONS_PER_PAGE,
    ForgivingPaginationMixin,
    id_from,
    sort_from,
    text_param,
)
from experiences.drafts.views import DraftOnReflectionFormMixin
from experiences.essays.models import Principle
from experiences.moderation.services import ReflectionRateLimited
from experiences.reflections.forms import ReflectionForm, reflection_form_parts_add
from experiences.reflections.models import Reflection
from experiences.reflections.services import (
    LIKE_AFTER_LOGIN,
    OwnLikeRefused,
    like_count_of,
    like_set,
    reflection_create,
    reflection_delete,
    reflection_update,
)


class ReflectionListView(SignedInPageCacheMixin, ForgivingPaginationMixin, ListView):
    """Every reflection the viewer may see (``visible_to``), filterable by principle and tag.

    Shared among signed-in colleagues only by those who see nothing beyond the public
    ones (``beyond_public``): an author with a pending one, or a moderator, gets it
    rendered for them."""

    template_name = "reflections/reflection_list.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE
    page_params = ("page", "principle", "sort", "tag")

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        return not Reflection.objects.beyond_public(request.user).exists()

    def get_queryset(self):
        queryset = Reflection.objects.visible_to(self.request.user)
        principle_id = id_from(self.request.GET.get("principle"))
        self.principle = None
        if principle_id is not None:
            self.principle = (
                Principle.objects.published()
                .filter(pk=principle_id)
                .select_related("essay")
                .first()
            )
            queryset = queryset.filter(principle=self.principle)
        self.tag = text_param(self.request, "tag")
        if self.tag:
            queryset = queryset.filter(tags__name__iexact=self.tag)
        return queryset.for_listing(viewer=self.request.user).sorted_by(sort_from(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(principle=self.principle, tag=self.tag, sort=sort_from(self.request))
        return context


class ReflectionFormMixin(LoginRequiredMixin):
    form_class: type[ReflectionForm] | None = ReflectionForm
    template_name: str | None = "reflections/reflection_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        reflection = getattr(self, "object", None)
        reflection_form_parts_add(
            form=form,
            member=self.request.user,
            values={"study_topic": reflection.study_topic_id if reflection else None},
            requested=self.request.GET,
        )
        return form

    def preview_response(self, form):
        """预览: the body rendered exactly as it will be published, the form kept as typed,
        nothing stored. Server-side, so it works without JavaScript."""
        return self.render_to_response(
            self.get_context_data(
                form=form, preview_html=markdown_render(form.cleaned_data["body"])
            )
        )


class ReflectionCreateView(DraftOnReflectionFormMixin, ReflectionFormMixin, FormView):
    def get_initial(self):
        initial = {"submission_token": uuid.uuid4()}
        principle_id = id_from(self.request.GET.get("principle"))
        if principle_id is not None:
            initial["principle"] = principle_id
        return initial

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.preview_response(form)
        data = form.cleaned_data
        try:
            reflection, created = reflection_create(
                author=self.request.user,
                principle=data["principle"],
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                submission_token=data["submission_token"],
                study_topic=data.get("study_topic"),
            )
        except ReflectionRateLimited:
            form.add_error(
                None,
                _(
                    "发布太频繁了\uff1a每小时最多 %(limit)d 条心得\uff0c"
                    "请稍后再试。你写的内容还在下面。"
                )
                % {"limit": settings.REFLECTIONS_PER_HOUR},
            )
            return self.form_invalid(form)
        if created:
            if reflection.status == Reflection.Status.PUBLISHED:
                messages.success(self.request, _("心得已发布。"))
            else:
                messages.success(
                    self.request, _("心得已提交\uff0c待审核。审核通过后其他人就能看到。")
                )
        return redirect(reflection)


class ReflectionUpdateView(ReflectionFormMixin, SingleObjectMixin, FormView):
    context_object_name = "reflection"

    def get_queryset(self):
        # Only the author's own: anyone else gets a 404, learning nothing.
        return Reflection.objects.filter(author=self.request.user).prefetch_related("tags")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return ReflectionForm.initial_for(self.object)

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.preview_response(form)
        data = form.cleaned_data
        reflection_update(
            reflection=self.object,
            principle=data["principle"],
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
            study_topic=data.get("study_topic"),
        )
        messages.success(self.request, _("修改已保存。"))
        return redirect(self.object)


class ReflectionDeleteView(LoginRequiredMixin, DeleteView):
    template_name = "reflections/reflection_confirm_delete.html"
    context_object_name = "reflection"

    def get_queryset(self):
        return Reflection.objects.filter(author=self.request.user)

    def get_success_url(self):
        return self.request.user.get_absolute_url()

    def form_valid(self, form):
        reflection_delete(reflection=self.object)
        messages.success(self.request, _("心得已删除。"))
        return redirect(self.get_success_url())


class LikeView(SingleObjectMixin, View):
    """POST action=like|unlike. Answers JSON to the enhancement script, redirects otherwise.

    A visitor's 点赞 (a GET from the card's link, or a stale form's POST) is remembered
    in the session and sent to the login page, which says why; the 点赞 is completed
    when they sign in (``receivers.like_after_login``). GET never changes anything
    for a signed-in user: it only leads back to the reflection."""

    http_method_names = ["get", "post"]

    def get_queryset(self):
        return Reflection.objects.published()

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def next_url(self, reflection: Reflection, value: str) -> str:
        # A path on this site only: redirect() would take "abc" for a view name (a 500).
        on_site = url_has_allowed_host_and_scheme(value, allowed_hosts={self.request.get_host()})
        if not (on_site and value.startswith("/")):
            return reflection.get_absolute_url()
        return value

    def login_redirect(self, reflection: Reflection):
        self.request.session[LIKE_AFTER_LOGIN] = reflection.pk
        next_url = self.next_url(reflection, self.request.GET.get("next", ""))
        if next_url != reflection.get_absolute_url() and "#" not in next_url:
            next_url += f"#reflection-{reflection.pk}"  # land at the card that was liked
        login_url = f"{reverse('login')}?{urlencode({'next': next_url})}"
        # Said on the login page, whether the script or the browser goes there.
        messages.info(self.request, _("登录后即可点赞\uff1a登录后这条心得会自动点上赞。"))
        if self.wants_json():
            return JsonResponse({"login_url": login_url}, status=401)
        return redirect(login_url)

    def get(self, request, *args, **kwargs):
        reflection = self.get_object()
        if not request.user.is_authenticated:
            return self.login_redirect(reflection)
        return redirect(reflection)

    def post(self, request, *args, **kwargs):
        reflection = self.get_object()
        if not request.user.is_authenticated:
            return self.login_redirect(reflection)
        try:
            liked = like_set(
                user=request.user,
                reflection=reflection,
                liked=request.POST.get("action") != "unlike",
            )
        except OwnLikeRefused:
            message = _("不能给自己的心得点赞。")
            if self.wants_json():
                return JsonResponse({"error": str(message)}, status=403)
            messages.error(request, message)
            return redirect(reflection)
        count = like_count_of(reflection=reflection)
        if self.wants_json():
            return JsonResponse({"liked": liked, "count": count})
        return redirect(self.next_url(reflection, request.POST.get("next", "")))
