"""Admin for colleagues' accounts: the profile fields, cleaned and checked as on the site."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from experiences.accounts.forms import UserAdminChangeForm
from experiences.accounts.models import User


@admin.register(User)
class KbUserAdmin(UserAdmin):
    form = UserAdminChangeForm
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("个人资料"), {"fields": ("display_name", "unit", "post", "years_of_service")}),
        # A deleted account's tombstone: when, and the roles its actions were taken in.
        (_("注销"), {"fields": ("deleted_at", "deleted_roles")}),
        (_("所属单位"), {"fields": ("org_unit",)}),
    )
    readonly_fields = ("deleted_at", "deleted_roles")
    list_display = ("username", "display_name", "unit", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "unit", "email")
    autocomplete_fields = ("org_unit",)
