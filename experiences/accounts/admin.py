"""Admin for colleagues' accounts: the profile fields, cleaned and checked as on the site;
django-axes' login-throttling block named in Chinese."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import PermissionLabelsMixin, WriteEffectsMixin
from experiences.core.viewer_state import viewer_state_changed

admin.site.unregister(Group)


@admin.register(Group)
class KbGroupAdmin(WriteEffectsMixin, PermissionLabelsMixin, GroupAdmin):
    """Django's group page, its permissions named in Chinese."""

    def write_effects(self, objects):
        viewer_state_changed()  # a group's rights: what shared pages know of its members


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
