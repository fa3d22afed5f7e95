"""Pieces every domain's admin shares: read-only pages and the action-confirmation page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin import ModelAdmin, helpers
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class NoEditingMixin:
    """Nobody adds, changes or deletes these rows through their admin page."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def action_confirm_page(
    modeladmin: ModelAdmin[Any],
    request: HttpRequest,
    *,
    template: str,
    title: StrOrPromise,
    form: forms.Form,
    objects: Iterable[Model],
    action: str,
) -> TemplateResponse:
    """The intermediate page of an admin action that needs more input (a reason, a target)."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": objects,
            "action": action,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )
