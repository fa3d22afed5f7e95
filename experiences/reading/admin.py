"""收藏 and 已学 in the admin: counts and dates for support, never edited there."""

from django.contrib import admin

from experiences.core.admin import NoEditingMixin
from experiences.reading.models import Bookmark, PrincipleRead


@admin.register(Bookmark)
class BookmarkAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ["pk", "user", "principle", "reflection", "created_at"]
    list_select_related = ["user", "principle", "reflection"]
    search_fields = ["user__username"]


@admin.register(PrincipleRead)
class PrincipleReadAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ["pk", "user", "principle", "read_at"]
    list_select_related = ["user", "principle"]
    search_fields = ["user__username"]
