"""The admin's moderation actions reflections and replies share: leaving out the moderator's
own items, and rejecting a selection with one reason the authors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import action_confirm_page

OWN_SKIPPED = _("不能审核自己发表的内容\uff1a已跳过其中 %(count)d 条\uff0c请由其他版主处理。")


def own_items_skip(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """The selected items minus the moderator's own, saying how many were left out.

    Nobody reviews their own work (the services refuse it too); doing the rest of
    the batch and naming the skipped count beats refusing the whole action."""
    own = queryset.filter(author_id=request.user.pk).count()
    if own:
        modeladmin.message_user(request, OWN_SKIPPED % {"count": own}, level=messages.WARNING)
    return queryset.exclude(author_id=request.user.pk)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回理由\uff08作者可以看到\uff09"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("请填写驳回理由\uff0c作者会看到它。")},
    )


def reject_action(
    modeladmin: Any,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    reject: Callable[[Any, str], object],
    done: str,
    template: str,
    title: str,
) -> HttpResponse | None:
    """Reject the selection (the moderator's own left out) with the reason asked for on a
    confirmation page, all in one transaction; ``reject(item, reason)`` is the kind's
    service, ``done`` the message with ``%(count)d``."""
    queryset = own_items_skip(modeladmin, request, queryset)
    if not queryset.exists():
        return None
    if "apply" in request.POST:
        form = RejectForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                for item in queryset:
                    reject(item, form.cleaned_data["reason"])
            modeladmin.message_user(request, done % {"count": queryset.count()})
            return None
    else:
        form = RejectForm()
    return action_confirm_page(
        modeladmin,
        request,
        template=template,
        title=title,
        form=form,
        objects=queryset,
        action="reject",
    )
