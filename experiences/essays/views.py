"""Reading the essay: the home page, the whole essay, one principle with colleagues' reflections."""

import uuid

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from experiences.core.caching import AnonymousPageCacheMixin
from experiences.core.web import REFLECTIONS_PER_PAGE, sort_from
from experiences.drafts.selectors import draft_for
from experiences.essays.models import Essay, Principle
from experiences.reading.selectors import essays_progress, principle_ids_read, principle_state
from experiences.reflections.forms import ReflectionForm
from experiences.reflections.models import Reflection
from experiences.study.writing import study_topic_field_limit

FEATURED_ON_HOME = 5


class HomeView(AnonymousPageCacheMixin, ListView):
    """The published essays; the first one is presented in full (opening, pairs, reading)."""

    template_name = "essays/home.html"
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
            .sorted_by("newest")[:FEATURED_ON_HOME]
        )
        # 已学: signed-in colleagues only (anonymous pages are cached and shared).
        user = self.request.user
        progress = essays_progress(user=user, essays=essays)
        for essay in essays:
            essay.reading_progress = progress.get(essay.pk)
        context["read_principle_ids"] = principle_ids_read(user=user, essays=essays[:1])
        return context


class EssayDetailView(AnonymousPageCacheMixin, DetailView):
    """The whole essay rebuilt from its stored parts."""

    template_name = "essays/essay_detail.html"
    context_object_name = "essay"

    def get_queryset(self):
        return Essay.objects.published().prefetch_related("principles", "related_readings")


class PrincipleDetailView(AnonymousPageCacheMixin, DetailView):
    template_name = "essays/principle_detail.html"
    context_object_name = "principle"

    def get_queryset(self):
        return (
            Principle.objects.published()
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
            Reflection.objects.published()
            .filter(principle=principle)
            .for_listing(viewer=self.request.user)
            .sorted_by(sort)
        )
        page = Paginator(reflections, REFLECTIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        # The signed-in writer's draft comes back into the form (drafts domain).
        draft = draft_for(author=self.request.user, principle_id=principle.pk)
        initial = {"principle": principle.pk, "submission_token": uuid.uuid4()}
        form = ReflectionForm(initial={**initial, **(draft.form_initial() if draft else {})})
        if self.request.user.is_authenticated:
            study_topic_field_limit(form=form, member=self.request.user)
        context.update(
            page_obj=page,
            reflections=page.object_list,
            sort=sort,
            form=form,
            draft=draft,
            reading=principle_state(user=self.request.user, principle=principle),
        )
        return context
