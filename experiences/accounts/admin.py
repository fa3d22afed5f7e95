"""Admin for colleagues' accounts: the profile fields, cleaned and checked as on the site;
django-axes' login-throttling block named in Chinese."""

from django.apps import apps
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


def axes_names_translate() -> None:
    """django-axes ships no Chinese, so a superuser's admin index opened with an English
    block (AXES / Access attempts). Only the names shown in the index and breadcrumbs are
    set; ``_meta.original_attrs``, which migrations read, is untouched."""
    if not apps.is_installed("axes"):
        return
    apps.get_app_config("axes").verbose_name = _("登录限制")
    names = {
        "AccessAttempt": (_("登录失败计数"), _("登录失败计数")),
        "AccessFailureLog": (_("登录失败记录"), _("登录失败记录")),
        "AccessLog": (_("登录记录"), _("登录记录")),
        "AccessAttemptExpiration": (_("登录限制到期"), _("登录限制到期")),
    }
    for model in apps.get_app_config("axes").get_models():
        if model.__name__ in names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names[model.__name__]


axes_names_translate()
