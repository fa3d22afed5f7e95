"""Browsing by tag: every public tag, and one tag's principles and reflections."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from experiences.core.shared_pages import SignedInPageCacheMixin
from experiences.core.web import REFLECTIONS_PER_PAGE, ForgivingPaginationMixin, sort_from
from experiences.essays.models import Principle
from experiences.reflections.models import Reflection
from experiences.tagging.services import tag_sizes, tags_in_use, tags_public


class TagListView(SignedInPageCacheMixin, ListView):
    """/tags/: every tag in use, with its count, sized by use."""

    template_name = "tagging/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        tags = list(tags_in_use())
        tag_sizes(tags)
        return tags


class TagDetailView(SignedInPageCacheMixin, ForgivingPaginationMixin, ListView):
    """/tags/<name>/: the principles and published reflections carrying the tag."""

    template_name = "tagging/tag_detail.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE
    page_params = ("page", "sort")

    def get_queryset(self):
        # A tag only pending or rejected reflections carry is as unknown as no tag at all.
        self.tag = get_object_or_404(tags_public(), name__iexact=self.kwargs["name"])
        return (
            Reflection.objects.published()
            .filter(tags=self.tag)
            .for_listing(viewer=self.request.user)
            .sorted_by(sort_from(self.request))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tag=self.tag,
            sort=sort_from(self.request),
            principles=Principle.objects.published().filter(tags=self.tag).select_related("essay"),
        )
        return context
