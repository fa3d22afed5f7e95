"""The pages one reads: the home page, the whole essay, one principle with colleagues'
reflections, one reflection, a colleague's page.

They sit in the reading domain, at the top of the layers (docs/architecture.md): each
gathers essays, reflections, drafts, 学习专题 and the reader's own 已学 and 收藏.
"""

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView

from experiences.accounts.models import User
from experiences.core.caching import AnonymousPageCacheMixin
from experiences.core.shared_pages import SignedInPageCacheMixin, viewer_value
from experiences.core.web import REFLECTIONS_PER_PAGE, ForgivingPaginationMixin, sort_from
from experiences.drafts.models import Draft
from experiences.drafts.selectors import draft_for
from experiences.essays.models import Essay, Principle, user_can_preview_drafts
from experiences.moderation.services import user_can_moderate
from experiences.reading.selectors import (
    essays_progress,
    principle_ids_read,
    progress_of_published,
    reflection_bookmarked,
)
from experiences.reflections.forms import ReflectionForm
from experiences.reflections.models import Reflection
from experiences.study.selectors import open_topics_for_member
from experiences.study.writing import study_topic_field_add, study_topic_field_limit

FEATURED_ON_HOME = 5
ESSAYS_PER_PAGE = 10


class HomeView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """The first published essay presented in full (opening, pairs, reading), then an
    index of every essay, newest first, a card each with its pairs, a page at a time.

    Not shared among signed-in colleagues (core/shared_pages.py): nearly all of it is
    the viewer's own (我的学习任务, 已学 n/m on every essay, ✓ 已学 on every pair), so
    it is rendered for each of them."""

    template_name = "essays/home.html"
    context_object_name = "essays"
    paginate_by = ESSAYS_PER_PAGE
    page_params = ("page",)

    def get_queryset(self):
        pairs = Principle.objects.only(
            "essay_id", "position", "slug", "opener", "baseline", "emphasis", "connective"
        )
        return (
            Essay.objects.published()
            .order_by("-created_at", "-pk")
            .prefetch_related(Prefetch("principles", queryset=pairs))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["featured_essay"] = (
            Essay.objects.published()
            .order_by("created_at", "pk")
            .prefetch_related(
                Prefetch("principles", queryset=Principle.objects.prefetch_related("tags")),
                "related_readings",
            )
            .first()
        )
        for essay in context["essays"]:
            for principle in essay.principles.all():
                principle.essay = essay  # reverse URLs without a query per pair
        # 精选: a showcase, the same for every viewer: the public ones (``visible_to`` of a
        # reader who is not signed in), never an author's own pending one.
        context["featured_reflections"] = (
            Reflection.objects.published()
            .filter(is_featured=True)
            .for_listing(viewer=self.request.user)
            .sorted_by("newest")[:FEATURED_ON_HOME]
        )
        # 已学: signed-in colleagues only (anonymous pages are cached and shared).
        user = self.request.user
        featured = [context["featured_essay"]] if context["featured_essay"] else []
        shown = [*featured, *context["essays"]]
        progress = essays_progress(user=user, essays=shown)
        for essay in shown:
            essay.reading_progress = progress.get(essay.pk)
        context["read_principle_ids"] = principle_ids_read(user=user, essays=featured)
        return context


class EssayDetailView(SignedInPageCacheMixin, DetailView):
    """The whole essay rebuilt from its stored parts."""

    template_name = "essays/essay_detail.html"
    context_object_name = "essay"

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        # Editors also see draft essays: their page is rendered for them.
        return not user_can_preview_drafts(request.user)

    def get_queryset(self):
        return Essay.objects.readable_by(self.request.user).prefetch_related(
            "principles", "related_readings"
        )


class PrincipleDetailView(SignedInPageCacheMixin, DetailView):
    """One principle, its colleagues' reflections, and the form to write one.

    Shared among signed-in colleagues (core/shared_pages.py) only by those for whom it
    holds nothing of their own: a colleague with a draft for this principle, an own
    reflection on it not shown to everyone (待审核, 驳回, hidden by 举报), an open 学习专题
    to write for, or the right to preview draft essays or to moderate gets the page
    rendered for them, exactly as without sharing. Their 已学 and 收藏 of it is a viewer
    bit (reading/viewer_bits.py), filled on the shared page too. The answer is kept with
    the viewer's facts: drafts, topics, units and groups bump viewer state versions
    (apps.py), so a shared hit asks the database nothing."""

    template_name = "essays/principle_detail.html"
    context_object_name = "principle"
    page_params = ("page", "sort")

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        user: Any = request.user  # signed in: only they are asked
        if user_can_preview_drafts(user) or user_can_moderate(user=user):
            return False
        principle = (
            Principle.objects.published()
            .filter(essay__slug=self.kwargs["essay_slug"], slug=self.kwargs["slug"])
            .annotate(
                own=Exists(Reflection.objects.beyond_public(user).filter(principle=OuterRef("pk")))
                | Exists(Draft.objects.filter(author=user, principle=OuterRef("pk")))
            )
            .values_list("own", flat=True)
            .first()
        )
        if principle:  # something of their own on it (None: no such principle, a 404)
            return False
        return not open_topics_for_member(member=user, today=timezone.localdate()).exists()

    def get_queryset(self):
        return (
            Principle.objects.readable_by(self.request.user)
            .filter(essay__slug=self.kwargs["essay_slug"])
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
            Reflection.objects.visible_to(self.request.user)
            .filter(principle=principle)
            .for_listing(viewer=self.request.user)
            .sorted_by(sort)
        )
        page = Paginator(reflections, REFLECTIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        # The signed-in writer's draft comes back into the form (drafts domain).
        draft = draft_for(author=self.request.user, principle_id=principle.pk)
        initial = {
            "principle": principle.pk,
            # Fresh per request, also when the page is shared by signed-in colleagues.
            "submission_token": viewer_value(self.request, "token", uuid.uuid4),
        }
        form = ReflectionForm(initial={**initial, **(draft.form_initial() if draft else {})})
        # The 学习专题 choice (study/writing.py): hidden and empty but for a member's topics.
        study_topic_field_add(form)
        if self.request.user.is_authenticated:
            study_topic_field_limit(form=form, member=self.request.user)
        context.update(
            page_obj=page,
            reflections=page.object_list,
            sort=sort,
            form=form,
            draft=draft,
        )
        return context


class ReflectionDetailView(DetailView):
    template_name = "reflections/reflection_detail.html"
    context_object_name = "reflection"

    def get_queryset(self):
        user = self.request.user
        return Reflection.objects.visible_to(user).for_listing(viewer=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_bookmarked"] = reflection_bookmarked(
            user=self.request.user, reflection=self.object
        )
        return context


class UserDetailView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """A colleague's public page: profile and published reflections."""

    template_name = "accounts/user_detail.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE
    page_params = ("page",)

    def get_queryset(self):
        self.profile_user = get_object_or_404(
            User, username=self.kwargs["username"], is_active=True
        )
        queryset = Reflection.objects.visible_to(self.request.user).filter(author=self.profile_user)
        return queryset.for_listing(viewer=self.request.user).sorted_by("newest")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile_user"] = self.profile_user
        context["is_own_page"] = self.request.user == self.profile_user
        if context["is_own_page"]:  # 已学 is the colleague's own, shown to nobody else
            context["reading_progress"] = progress_of_published(user=self.profile_user)
        return context
