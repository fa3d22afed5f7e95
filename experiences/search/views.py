"""The search page: /search/?q=…&kind=…&tag=…&principle=…"""

from django.views.generic import ListView

from experiences.core.caching import AnonymousPageCacheMixin
from experiences.core.web import ForgivingPaginationMixin, KnownCountPaginator, id_from, text_param
from experiences.essays.models import Principle
from experiences.search.models import SearchDocument
from experiences.search.query import (
    RANKING_POOL,
    query_parse,
    search_count,
    search_run,
    snippet_highlight,
    title_highlight,
)


class SearchView(AnonymousPageCacheMixin, ForgivingPaginationMixin, ListView):
    """/search/?q=…&kind=…&tag=…&principle=…: ranked, highlighted, paginated."""

    template_name = "search/search.html"
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
            principles=Principle.objects.published().select_related("essay"),
        )
        return context
