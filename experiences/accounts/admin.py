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
        (_("所属单位"), {"fields": ("org_unit",)}),
    )
    list_display = ("username", "display_name", "unit", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "unit", "email")
    autocomplete_fields = ("org_unit",)
