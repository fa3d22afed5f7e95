"""Reading the essay: the home page, the whole essay, one principle with colleagues' reflections."""

import uuid

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from experiences.core.shared_pages import SignedInPageCacheMixin, viewer_value
from experiences.core.web import REFLECTIONS_PER_PAGE, sort_from
from experiences.essays.models import Essay, Principle
from experiences.reflections.forms import ReflectionForm
from experiences.reflections.models import Reflection

FEATURED_ON_HOME = 5


class HomeView(SignedInPageCacheMixin, ListView):
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
        return context


class EssayDetailView(SignedInPageCacheMixin, DetailView):
    """The whole essay rebuilt from its stored parts."""

    template_name = "essays/essay_detail.html"
    context_object_name = "essay"

    def get_queryset(self):
        return Essay.objects.published().prefetch_related("principles", "related_readings")


class PrincipleDetailView(SignedInPageCacheMixin, DetailView):
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
        context.update(
            page_obj=page,
            reflections=page.object_list,
            sort=sort,
            form=ReflectionForm(
                initial={
                    "principle": principle.pk,
                    # Fresh per request, also when the page is shared by signed-in colleagues.
                    "submission_token": viewer_value(self.request, "token", uuid.uuid4),
                }
            ),
        )
        return context
