"""Pieces every domain's admin shares: read-only pages and the action-confirmation page."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.apps import apps
from django.contrib.admin import ModelAdmin, helpers
from django.contrib.auth.models import Permission
from django.db.models import ManyToManyField, Model
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext

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


# Django names a model's default permissions "Can add log entry" and stores the name
# in English: the permission pickers (用户, 组) show these instead.
PERMISSION_ACTIONS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}
# Apps and permissions named in English by their packages.
APP_NAMES = {"django_rq": "任务队列"}
PERMISSION_NAMES = {"Access admin page": "可以打开任务队列页面"}


def permission_label(permission: Permission) -> str:
    """``登录限制 | 登录记录 | 可以查看登录记录``: app, model and action, in Chinese."""
    content_type = permission.content_type
    model = content_type.model_class()
    try:
        app_name = str(apps.get_app_config(content_type.app_label).verbose_name)
    except LookupError:
        app_name = content_type.app_label
    app_name = APP_NAMES.get(content_type.app_label, app_name)
    fallback = PERMISSION_NAMES.get(permission.name) or gettext(permission.name)
    if model is None:
        return f"{app_name} | {content_type.model} | {fallback}"
    model_name = str(model._meta.verbose_name)
    original = getattr(model, "instance_type", None)  # django-simple-history's "historical …"
    if original is not None:
        model_name = gettext("%(model)s的修改历史") % {"model": original._meta.verbose_name}
    action, _sep, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and rest == model._meta.model_name:
        name = gettext("可以%(action)s%(model)s") % {
            "action": PERMISSION_ACTIONS[action],
            "model": model_name,
        }
    else:
        name = fallback  # the project's own permissions are named in Chinese
    return f"{app_name} | {model_name} | {name}"


class PermissionLabelsMixin:
    """Permission pickers labelled by ``permission_label``."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        field: ModelMultipleChoiceField[Any] | None = super().formfield_for_manytomany(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field


class WriteEffectsMixin:
    """An admin page whose saves and deletes call the effects they cause, in the open
    (HackSoft's way: where no service is called, the admin calls the effect itself).

    ``write_effects(objects)`` runs after every save, inline save (``save_related``),
    delete and bulk delete; each admin says what it causes (``pages_changed``,
    ``viewer_state_changed``).
    """

    def write_effects(self, objects: list[Any]) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self.write_effects([obj])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        self.write_effects([form.instance])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        kept = copy.copy(obj)  # a deleted row loses its pk: the effects are told it still
        super().delete_model(request, obj)  # type: ignore[misc]
        self.write_effects([kept])

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        objects = list(queryset)
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        self.write_effects(objects)
