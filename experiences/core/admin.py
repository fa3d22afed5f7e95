"""Pieces every domain's admin shares: read-only pages and the action-confirmation page."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse


class NoEditingMixin:
    """Nobody adds, changes or deletes these rows through their admin page."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def action_confirm_page(modeladmin, request, *, template, title, form, objects, action):
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
