"""Pages: reading the essay, reflections, 点赞, accounts. Thin views; rules live in modules."""

import re
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import PasswordResetView
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DeleteView, DetailView, FormView, ListView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from kb.client import client_ip, throttle_hit

from .caching import AnonymousPageCacheMixin
from .forms import ProfileForm, ReflectionForm, SignupForm
from .markdown import text_clean
from .models import Essay, Principle, Reflection, SearchDocument, User
from .reflections import (
    OwnLikeRefused,
    ReflectionRateLimited,
    like_count_of,
    like_set,
    reflection_create,
    reflection_update,
)
from .search import (
    RANKING_POOL,
    query_parse,
    search_count,
    search_run,
    snippet_highlight,
    title_highlight,
)
from .tagging import tag_sizes, tags_in_use, tags_public

REFLECTIONS_PER_PAGE = 20
FEATURED_ON_HOME = 5


class HomeView(AnonymousPageCacheMixin, ListView):
    """The published essays; the first one is presented in full (opening, pairs, reading)."""

    template_name = "experiences/home.html"
    context_object_name = "essays"

    def get_queryset(self):
        return Essay.objects.published().prefetch_related(
            Prefetch("principles", queryset=Principle.objects.prefetch_related("tags")),
            "related_readings",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        essays = list(context["essays"])
        context["featured_essay"] = essays[0] if essays else None
        context["other_essays"] = essays[1:]
        context["featured_reflections"] = (
            Reflection.objects.published()
            .filter(is_featured=True)
            .for_listing(viewer=self.request.user)
            .ordered("newest")[:FEATURED_ON_HOME]
        )
        return context


class EssayDetailView(AnonymousPageCacheMixin, DetailView):
    """The whole essay rebuilt from its stored parts."""

    template_name = "experiences/essay_detail.html"
    context_object_name = "essay"

    def get_queryset(self):
        return Essay.objects.published().prefetch_related("principles", "related_readings")


class PrincipleDetailView(AnonymousPageCacheMixin, DetailView):
    template_name = "experiences/principle_detail.html"
    context_object_name = "principle"

    def get_queryset(self):
        return (
            Principle.objects.filter(
                essay__slug=self.kwargs["essay_slug"], essay__status=Essay.Status.PUBLISHED
            )
            .select_related("essay")
            .prefetch_related("quotations", "tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        principle = self.object
        siblings = list(
            principle.essay.principles.only("position", "slug", "baseline", "emphasis", "essay_id")
        )
        for sibling in siblings:
            sibling.essay = principle.essay  # reverse URLs without a query per sibling
        index = next(i for i, p in enumerate(siblings) if p.pk == principle.pk)
        context["previous_principle"] = siblings[index - 1] if index > 0 else None
        context["next_principle"] = siblings[index + 1] if index + 1 < len(siblings) else None
        sort = sort_from(self.request)
        reflections = (
            Reflection.objects.published()
            .filter(principle=principle)
            .for_listing(viewer=self.request.user)
            .ordered(sort)
        )
        page = Paginator(reflections, REFLECTIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            reflections=page.object_list,
            sort=sort,
            form=ReflectionForm(
                initial={"principle": principle.pk, "submission_token": uuid.uuid4()}
            ),
        )
        return context


class ForgivingPaginationMixin:
    """A bad page number (?page=abc, ?page=999) shows the first or last page, never an error."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class KnownCountPaginator(Paginator):
    """A paginator told its count (search counts its own matches, capped)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


def sort_from(request) -> str:
    return "likes" if request.GET.get("sort") == "likes" else "newest"


ID_PATTERN = re.compile(r"[0-9]{1,18}")


def id_from(value: str | None) -> int | None:
    """A database id typed into a URL, or None: ASCII digits only (``str.isdigit``
    accepts ² and ①, which ``int`` then refuses), and small enough for a bigint."""
    if value and ID_PATTERN.fullmatch(value):
        return int(value)
    return None


def text_param(request, name: str, *, max_length: int = 100) -> str:
    """A free-text filter from the query string, without control characters (PostgreSQL
    refuses NUL in a query parameter), trimmed and cut to a sane length."""
    return text_clean(request.GET.get(name, "")).replace("\n", " ").strip()[:max_length]


class ReflectionListView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """All published reflections, filterable by principle and tag."""

    template_name = "experiences/reflection_list.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE

    def get_queryset(self):
        queryset = Reflection.objects.published()
        principle_id = id_from(self.request.GET.get("principle"))
        self.principle = None
        if principle_id is not None:
            self.principle = (
                Principle.objects.filter(pk=principle_id, essay__status=Essay.Status.PUBLISHED)
                .select_related("essay")
                .first()
            )
            queryset = queryset.filter(principle=self.principle)
        self.tag = text_param(self.request, "tag")
        if self.tag:
            queryset = queryset.filter(tags__name__iexact=self.tag)
        return queryset.for_listing(viewer=self.request.user).ordered(sort_from(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(principle=self.principle, tag=self.tag, sort=sort_from(self.request))
        return context


class ReflectionDetailView(DetailView):
    template_name = "experiences/reflection_detail.html"
    context_object_name = "reflection"

    def get_queryset(self):
        user = self.request.user
        return Reflection.objects.visible_to(user).for_listing(viewer=user)


class ReflectionFormMixin(LoginRequiredMixin):
    form_class = ReflectionForm
    template_name = "experiences/reflection_form.html"


class ReflectionCreateView(ReflectionFormMixin, FormView):
    def get_initial(self):
        initial = {"submission_token": uuid.uuid4()}
        principle_id = id_from(self.request.GET.get("principle"))
        if principle_id is not None:
            initial["principle"] = principle_id
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            reflection, created = reflection_create(
                author=self.request.user,
                principle=data["principle"],
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                submission_token=data["submission_token"],
            )
        except ReflectionRateLimited:
            form.add_error(
                None,
                _("发布太频繁了:每小时最多 %(limit)d 条心得,请稍后再试。你写的内容还在下面。")
                % {"limit": settings.REFLECTIONS_PER_HOUR},
            )
            return self.form_invalid(form)
        if created:
            if reflection.status == Reflection.Status.PUBLISHED:
                messages.success(self.request, _("心得已发布。"))
            else:
                messages.success(self.request, _("心得已提交,待审核。审核通过后其他人就能看到。"))
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
        data = form.cleaned_data
        reflection_update(
            reflection=self.object,
            principle=data["principle"],
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
        )
        messages.success(self.request, _("修改已保存。"))
        return redirect(self.object)


class ReflectionDeleteView(LoginRequiredMixin, DeleteView):
    template_name = "experiences/reflection_confirm_delete.html"
    context_object_name = "reflection"

    def get_queryset(self):
        return Reflection.objects.filter(author=self.request.user)

    def get_success_url(self):
        return self.request.user.get_absolute_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("心得已删除。"))
        return response


class LikeView(SingleObjectMixin, View):
    """POST action=like|unlike. Answers JSON to the enhancement script, redirects otherwise."""

    http_method_names = ["post"]

    def get_queryset(self):
        return Reflection.objects.published()

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def post(self, request, *args, **kwargs):
        reflection = self.get_object()
        if not request.user.is_authenticated:
            login_url = f"{reverse('login')}?{urlencode({'next': reflection.get_absolute_url()})}"
            if self.wants_json():
                return JsonResponse({"login_url": login_url}, status=401)
            return redirect(login_url)
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
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reflection.get_absolute_url()
        return redirect(next_url)


class UserDetailView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """A colleague's public page: profile and published reflections."""

    template_name = "experiences/user_detail.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE

    def get_queryset(self):
        self.profile_user = get_object_or_404(
            User, username=self.kwargs["username"], is_active=True
        )
        queryset = Reflection.objects.filter(author=self.profile_user)
        if self.request.user != self.profile_user:
            queryset = queryset.published()
        return queryset.for_listing(viewer=self.request.user).ordered("newest")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile_user"] = self.profile_user
        context["is_own_page"] = self.request.user == self.profile_user
        return context


class SignupView(CreateView):
    form_class = SignupForm
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("experiences:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("注册成功,欢迎!"))
        next_url = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return redirect(next_url)
        return redirect("experiences:home")


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset, with at most a few mails per address and per client an hour.

    Over the limit no mail goes out, but the answer is the same "mail sent"
    page: it tells neither whether the address exists nor that it is throttled.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        per_address = throttle_hit(
            scope="password-reset-address",
            key=email,
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            seconds=3600,
        )
        per_client = throttle_hit(
            scope="password-reset-client",
            key=client_ip(self.request),
            limit=settings.PASSWORD_RESETS_PER_CLIENT,
            seconds=3600,
        )
        if per_address and per_client:
            return super().form_valid(form)
        return redirect(self.get_success_url())


class ProfileUpdateView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "registration/profile_form.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("个人资料已保存。"))
        return super().form_valid(form)

    def get_success_url(self):
        return self.request.user.get_absolute_url()


class SearchView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """/search/?q=…&kind=…&tag=…&principle=…: ranked, highlighted, paginated."""

    template_name = "experiences/search.html"
    context_object_name = "results"
    paginate_by = 20

    def get_queryset(self):
        params = self.request.GET
        self.query = query_parse(params.get("q"))
        self.kind = params.get("kind") if params.get("kind") in SearchDocument.Kind.values else ""
        self.tag = text_param(self.request, "tag")
        self.principle_id = id_from(params.get("principle"))
        filters = {"kind": self.kind, "tag": self.tag, "principle_id": self.principle_id}
        self.total, self.more = search_count(query=self.query, user=self.request.user, **filters)
        return search_run(query=self.query, user=self.request.user, **filters)

    def get_paginator(self, queryset, per_page, **kwargs):
        # Pages cover the ranked results; the count above them says how many matched.
        return KnownCountPaginator(
            queryset, per_page, count=min(self.total, RANKING_POOL), **kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for result in context["results"]:
            result.title_html = title_highlight(result.title, self.query.tokens)
            result.snippet = snippet_highlight(result.body, self.query.tokens)
        context.update(
            query=self.query,
            total=self.total,
            more_results=self.more,
            ranked_only=self.total > RANKING_POOL,
            ranking_pool=RANKING_POOL,
            kind=self.kind,
            tag=self.tag,
            principle_id=self.principle_id,
            kinds=SearchDocument.Kind.choices,
            principles=Principle.objects.filter(
                essay__status=Essay.Status.PUBLISHED
            ).select_related("essay"),
        )
        return context


class TagListView(AnonymousPageCacheMixin, ListView):
    """/tags/: every tag in use, with its count, sized by use."""

    template_name = "experiences/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        tags = list(tags_in_use())
        tag_sizes(tags)
        return tags


class TagDetailView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """/tags/<name>/: the principles and published reflections carrying the tag."""

    template_name = "experiences/tag_detail.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE

    def get_queryset(self):
        # A tag only pending or rejected reflections carry is as unknown as no tag at all.
        self.tag = get_object_or_404(tags_public(), name__iexact=self.kwargs["name"])
        return (
            Reflection.objects.published()
            .filter(tags=self.tag)
            .for_listing(viewer=self.request.user)
            .ordered(sort_from(self.request))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tag=self.tag,
            sort=sort_from(self.request),
            principles=Principle.objects.filter(
                tags=self.tag, essay__status=Essay.Status.PUBLISHED
            ).select_related("essay"),
        )
        return context
