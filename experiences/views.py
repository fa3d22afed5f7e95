"""Reading pages: home, essay, principle. Thin views over the model's querysets."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .models import Essay, Principle


class HomeView(ListView):
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
        return context


class EssayDetailView(DetailView):
    """The whole essay rebuilt from its stored parts."""

    template_name = "experiences/essay_detail.html"
    context_object_name = "essay"

    def get_queryset(self):
        return Essay.objects.published().prefetch_related("principles", "related_readings")


class PrincipleDetailView(DetailView):
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
        return context
