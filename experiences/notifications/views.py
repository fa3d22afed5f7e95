"""Pages of the notifications domain: the list, marking read, and unsubscribing from mail.

Marking read is POST only (CSRF-checked forms that work without JavaScript). A
notification that is not yours is answered 404, as if it did not exist. The
unsubscribe link works without signing in: its signed token names the colleague,
and a GET only asks; the POST does it (mail scanners follow links).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from experiences.core.web import ForgivingPaginationMixin
from experiences.notifications.selectors import notifications_of
from experiences.notifications.services import (
    email_notifications_set,
    notification_mark_read,
    notifications_mark_all_read,
)
from experiences.notifications.tasks import unsubscribe_user_id

if TYPE_CHECKING:
    from experiences.accounts.models import User

NOTIFICATIONS_PER_PAGE = 20


def _viewer(request: HttpRequest) -> User:
    """The signed-in colleague (LoginRequiredMixin has turned everyone else away)."""
    return cast("User", request.user)


class NotificationListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = NOTIFICATIONS_PER_PAGE

    def get_queryset(self):
        return notifications_of(user=self.request.user)


def _list_url() -> str:
    return reverse("experiences:notification_list")


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one read and come back to the list (the page the colleague was on)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if notification_mark_read(user=_viewer(request), notification_id=pk) is None:
            raise Http404
        page = request.POST.get("page", "")
        suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
        return HttpResponseRedirect(_list_url() + suffix)


class NotificationOpenView(LoginRequiredMixin, View):
    """Open a notification: it is marked read and the colleague goes where it points."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = notification_mark_read(user=_viewer(request), notification_id=pk)
        if notification is None:
            raise Http404
        target = notification.url
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = _list_url()
        return HttpResponseRedirect(target)


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        marked = notifications_mark_all_read(user=_viewer(request))
        if marked:
            messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": marked})
        return HttpResponseRedirect(_list_url())


class UnsubscribeView(View):
    """One click from the mail opens this page; its button (POST) turns the mail off."""

    template_name = "notifications/unsubscribe.html"

    def _user(self, token: str) -> Any:
        user_id = unsubscribe_user_id(token=token)
        if user_id is None:
            return None
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()

    def _invalid(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"invalid": True}, status=400)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        user = self._user(token)
        if user is None:
            return self._invalid(request)
        return render(request, self.template_name, {"person": user, "done": False})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        user = self._user(token)
        if user is None:
            return self._invalid(request)
        email_notifications_set(user=user, enabled=False)
        return render(request, self.template_name, {"person": user, "done": True})
