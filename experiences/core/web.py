"""What every page does with a request: reading query parameters safely, paginating forgivingly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBadRequest
from django.template import loader

from experiences.core.markdown import text_clean

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination
    from django.views.generic import ListView

    _ListBase = ListView[Any]
    _PaginatorBase = Paginator[Any]
else:  # Django's classes are not subscriptable at run time
    _ListBase = object
    _PaginatorBase = Paginator

REFLECTIONS_PER_PAGE = 20


class ForgivingPaginationMixin(_ListBase):
    """A bad page number (?page=abc, ?page=999) shows the first or last page, never an error."""

    def paginate_queryset(
        self, queryset: _SupportsPagination[Any], page_size: int
    ) -> tuple[Paginator[Any], Page[Any], _SupportsPagination[Any], bool]:
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class KnownCountPaginator(_PaginatorBase):
    """A paginator told its count (search counts its own matches, capped)."""

    def __init__(
        self,
        object_list: QuerySet[Any] | Sequence[Any],
        per_page: int,
        *,
        count: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def sort_from(request: HttpRequest) -> str:
    return "likes" if request.GET.get("sort") == "likes" else "newest"


ID_PATTERN = re.compile(r"[0-9]{1,18}")


def id_from(value: str | None) -> int | None:
    """A database id typed into a URL, or None: ASCII digits only (``str.isdigit``
    accepts ² and ①, which ``int`` then refuses), and small enough for a bigint."""
    if value and ID_PATTERN.fullmatch(value):
        return int(value)
    return None


def text_param(request: HttpRequest, name: str, *, max_length: int = 100) -> str:
    """A free-text filter from the query string, without control characters (PostgreSQL
    refuses NUL in a query parameter), trimmed and cut to a sane length."""
    return text_clean(request.GET.get(name, "")).replace("\n", " ").strip()[:max_length]


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """The 400 page, rendered with the request (Django's default renders without it, so the
    page could not say the site's limits or who is signed in)."""
    return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))
