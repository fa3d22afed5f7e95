"""收藏 and 已学: plain POST forms that also answer JSON to the enhancement script.

Only what the signed-in colleague may see can be bookmarked or marked read;
anything else (an unpublished principle, someone's pending reflection,
someone else's bookmark) is a 404 that tells nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from experiences.core.web import ForgivingPaginationMixin
from experiences.essays.models import Principle
from experiences.reading.models import Bookmark
from experiences.reading.selectors import bookmarks_visible
from experiences.reading.services import bookmark_delete, bookmark_set, principle_read_mark
from experiences.reflections.models import Reflection

BOOKMARKS_PER_PAGE = 20


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    next_url = request.POST.get("next", "")
    # A path on this site only: redirect() would take "abc" for a view name (a 500).
    on_site = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    if not (on_site and next_url.startswith("/")):
        next_url = fallback
    return redirect(next_url)


class _SignedInPostView(View):
    """POST only; anonymous visitors are sent to log in (JSON: told where)."""

    http_method_names = ["post"]

    def item(self) -> Principle | Reflection:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and not request.user.is_authenticated:
            item = self.item()  # a 404 for what does not exist, even to anonymous visitors
            query = urlencode({"next": item.get_absolute_url()})
            login_url = f"{reverse('login')}?{query}"
            if _wants_json(request):
                return JsonResponse({"login_url": login_url}, status=401)
            return redirect(login_url)
        return super().dispatch(request, *args, **kwargs)


class BookmarkToggleView(_SignedInPostView):
    """POST action=add|remove on /bookmarks/<kind>/<pk>/."""

    kind = "principle"

    def item(self) -> Principle | Reflection:
        if self.kind == "principle":
            principles = Principle.objects.published().select_related("essay")
            return get_object_or_404(principles, pk=self.kwargs["pk"])
        reflections = Reflection.objects.visible_to(self.request.user)
        return get_object_or_404(reflections, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.item()
        bookmarked = bookmark_set(
            user=request.user,  # type: ignore[arg-type]
            principle=item if isinstance(item, Principle) else None,
            reflection=item if isinstance(item, Reflection) else None,
            bookmarked=request.POST.get("action") != "remove",
        )
        if _wants_json(request):
            return JsonResponse({"bookmarked": bookmarked})
        messages.success(request, _("已收藏。") if bookmarked else _("已取消收藏。"))
        return _back(request, item.get_absolute_url())


class BookmarkListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """我的收藏."""

    template_name = "reading/bookmark_list.html"
    context_object_name = "bookmarks"
    paginate_by = BOOKMARKS_PER_PAGE

    def get_queryset(self):
        return bookmarks_visible(user=self.request.user)


class BookmarkDeleteView(LoginRequiredMixin, View):
    """取消收藏 from the list, by the bookmark's id: only one's own."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bookmark = get_object_or_404(Bookmark, pk=pk, user=request.user)
        bookmark_delete(bookmark=bookmark)
        messages.success(request, _("已取消收藏。"))
        return _back(request, reverse("experiences:bookmark_list"))


class PrincipleReadView(_SignedInPostView):
    """标记为已学: the button without JavaScript, or the observer at the end of the text."""

    def item(self) -> Principle:
        principles = Principle.objects.published().select_related("essay")
        return get_object_or_404(principles, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principle = self.item()
        principle_read_mark(user=request.user, principle=principle)  # type: ignore[arg-type]
        if _wants_json(request):
            return JsonResponse({"read": True})
        messages.success(request, _("已标记为已学。"))
        return redirect(principle)
