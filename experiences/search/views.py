"""The search page: /search/?q=…&kind=…&tag=…&principle=…

A query widened by synonyms, simplified characters or pinyin says what else it
searched (也搜索了：群众). A query that finds nothing should still help: a homophone
typo is corrected (你是不是要找：苦口婆心), a compound falls back to its
parts (and the page says so), and when even that finds nothing and no filter
narrowed it, close tag and principle names are offered. Each of those costs one
query at most, only on the way to an empty page, so the page's query count does
not grow with the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.generic import ListView

from experiences.core.shared_pages import SignedInPageCacheMixin
from experiences.core.web import ForgivingPaginationMixin, KnownCountPaginator, id_from, text_param
from experiences.essays.models import Principle
from experiences.search.fallback import Suggestion, search_resolve, search_suggest
from experiences.search.models import SearchDocument
from experiences.search.query import (
    RANKING_POOL,
    ParsedQuery,
    documents_visible_to,
    query_parse,
    search_run,
)
from experiences.search.snippets import snippet_highlight, title_highlight


def fallback_notice(query: ParsedQuery, fallback: ParsedQuery) -> str:
    """没有找到“干群关系”(full-width comma)以下是“干群”“关系”的结果."""
    parts = "".join(f"“{word}”" for word in fallback.words)
    return _("没有找到“%(query)s”\uff0c以下是%(parts)s的结果") % {
        "query": query.text,
        "parts": parts,
    }


def also_notice(query: ParsedQuery) -> str:
    """也搜索了(full-width colon)群众、老百姓: the words a query was widened with."""
    if not query.also:
        return ""
    return _("也搜索了\uff1a%(words)s") % {"words": "\u3001".join(query.also)}


if TYPE_CHECKING:  # django-stubs makes ListView generic; Django's class is not subscriptable
    SearchListView = ListView[SearchDocument]
else:
    SearchListView = ListView


class SearchView(SignedInPageCacheMixin, ForgivingPaginationMixin, SearchListView):
    """/search/?q=…&kind=…&tag=…&principle=…: ranked, highlighted, paginated."""

    template_name = "search/search.html"
    context_object_name = "results"
    paginate_by = 20
    page_params = ("kind", "page", "principle", "q", "tag")

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        """A colleague who finds more than the public documents (their own unpublished text;
        a moderator's every reflection and reply) gets their page rendered for them."""
        return not documents_visible_to(request.user).filter(is_public=False).exists()

    def get_queryset(self) -> QuerySet[SearchDocument]:
        params = self.request.GET
        self.query = query_parse(params.get("q"))
        self.kind = params.get("kind") if params.get("kind") in SearchDocument.Kind.values else ""
        self.tag = text_param(self.request, "tag")
        self.principle_id = id_from(params.get("principle"))
        filters = {"kind": self.kind, "tag": self.tag, "principle_id": self.principle_id}
        resolved = search_resolve(query=self.query, user=self.request.user, **filters)
        # The query whose results are shown: the typed one, or its parts.
        self.shown, self.fallback = resolved.shown, resolved.fallback
        self.correction = resolved.correction
        self.total, self.more = resolved.total, resolved.more
        if not self.total:
            return SearchDocument.objects.none()
        return search_run(query=self.shown, user=self.request.user, **filters)

    def get_paginator(
        self,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> Paginator[SearchDocument]:
        # Pages cover the ranked results; the count above them says how many matched.
        return KnownCountPaginator(
            queryset,
            per_page,
            count=min(self.total, RANKING_POOL),
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            **kwargs,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for result in context["results"]:
            result.title_html = title_highlight(result.title, self.shown.tokens)
            result.snippet = snippet_highlight(result.body, self.shown.tokens)
        filtered = bool(self.kind or self.tag or self.principle_id)
        principles = list(Principle.objects.published().select_related("essay"))
        suggestions: list[Suggestion] = []
        if not self.total and not filtered and not self.query.is_empty:
            suggestions = search_suggest(self.query, principles=principles)
        context.update(
            query=self.query,
            shown=self.shown,
            fallback_notice=fallback_notice(self.query, self.fallback) if self.fallback else "",
            correction=self.correction,
            also_notice=also_notice(self.shown),
            total=self.total,
            more_results=self.more,
            ranked_only=self.total > RANKING_POOL,
            ranking_pool=RANKING_POOL,
            kind=self.kind,
            tag=self.tag,
            principle_id=self.principle_id,
            filtered=filtered,
            suggestions=suggestions,
            kinds=SearchDocument.Kind.choices,
            principles=principles,
        )
        return context
