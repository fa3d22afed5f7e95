"""Drafts in the admin: who has how many, and since when. Never edited there, and the text
itself is not shown: a draft is unpublished writing, its author's alone."""

from django.contrib import admin

from experiences.core.admin import NoEditingMixin
from experiences.drafts.models import Draft


@admin.register(Draft)
class DraftAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ["pk", "author", "principle", "updated_at"]
    list_select_related = ["author", "principle"]
    search_fields = ["author__username"]
    fields = readonly_fields = ("author", "principle", "created_at", "updated_at")
