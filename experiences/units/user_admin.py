"""The user admin: profile, 所属单位 and roles (版主, 编辑, 组织员) granted as a whole.

It sits with units because a role may come with a unit (an organiser's subtree,
units/roles.py); the group admin stays in accounts/admin.py.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from experiences.accounts.forms import UserAdminChangeForm
from experiences.accounts.models import User
from experiences.accounts.services import user_changed, user_save
from experiences.core.admin import PermissionLabelsMixin, action_confirm_page
from experiences.units.forms import UnitChoiceField
from experiences.units.models import Unit
from experiences.units.roles import ROLES, RoleError, role_grant, role_revoke


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(role, role) for role in ROLES],
        error_messages={"required": _("请选择角色。"), "invalid_choice": _("请选择角色。")},
    )
    unit = UnitChoiceField(
        label=_("所属单位"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("\uff08不改动\uff09"),
        help_text=_("组织员管理这个单位及其下级单位\uff1b版主、编辑可不选。"),
    )


class RevokeRoleForm(forms.Form):
    role = RoleForm.base_fields["role"]


@admin.register(User)
class KbUserAdmin(PermissionLabelsMixin, UserAdmin):
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
    actions = ["grant_role", "revoke_role"]

    # Through the service, with the effects a user's change causes; their groups and
    # permissions are saved after it (save_related), then told too.
    def save_model(self, request, obj, form, change):
        user_save(user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_changed(user_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        user_id = obj.pk
        super().delete_model(request, obj)
        user_changed(user_ids=[user_id])

    def delete_queryset(self, request, queryset):
        user_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        user_changed(user_ids=user_ids)

    @admin.action(description=_("授予角色\uff08版主、编辑、组织员\uff09"), permissions=["change"])
    def grant_role(self, request, queryset):
        return self._role_action(request, queryset, grant=True)

    @admin.action(description=_("撤销角色"), permissions=["change"])
    def revoke_role(self, request, queryset):
        return self._role_action(request, queryset, grant=False)

    def _role_action(self, request, queryset, *, grant: bool):
        """One step for the whole role: group, is_staff and unit (units/roles.py)."""
        form_class = RoleForm if grant else RevokeRoleForm
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, errors = 0, []
            for user in queryset:
                try:
                    if grant:
                        change = role_grant(
                            user=user,
                            role=form.cleaned_data["role"],
                            unit=form.cleaned_data["unit"],
                            actor=request.user,
                        )
                    else:
                        change = role_revoke(
                            user=user, role=form.cleaned_data["role"], actor=request.user
                        )
                except RoleError as refused:
                    errors.append(f"{user}\uff1a{refused}")
                    continue
                done += change.changed
            for message in errors:
                self.message_user(request, message, level=messages.ERROR)
            template = (
                _("已为 %(count)d 位同事授予角色%(role)s。")
                if grant
                else _("已撤销 %(count)d 位同事的角色%(role)s。")
            )
            self.message_user(
                request, template % {"count": done, "role": form.cleaned_data["role"]}
            )
            return None
        return action_confirm_page(
            self,
            request,
            template="admin/experiences/user/role_form.html",
            title=_("授予角色") if grant else _("撤销角色"),
            form=form,
            objects=queryset,
            action="grant_role" if grant else "revoke_role",
        )
