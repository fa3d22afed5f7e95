"""The unit tree in the admin: edit units, import a sheet, map users whose 单位 matched no unit."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from experiences.units.forms import UnitAdminForm, UnitImportForm, UserUnitForm
from experiences.units.models import Unit
from experiences.units.scope import scope_q, viewer_scope
from experiences.units.services import (
    UnitImportError,
    unit_create,
    unit_update,
    units_delete,
    units_import,
    units_rows_read,
    user_unit_assign,
    users_without_unit,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    fields = ["name", "code", "parent"]
    list_display = ["tree_name", "code", "level", "member_count"]
    list_per_page = 200
    search_fields = ["name", "code"]
    ordering = ["path"]
    change_list_template = "admin/experiences/unit/change_list.html"

    @admin.display(description=gettext_lazy("名称"), ordering="path")
    def tree_name(self, unit):
        return unit.indented_name

    # treebeard's own column read "DEPTH": 1 is the top of the tree.
    @admin.display(description=gettext_lazy("层级"), ordering="depth")
    def level(self, unit):
        return unit.depth

    @admin.display(description=gettext_lazy("直属成员"))
    def member_count(self, unit):
        return unit.member_total

    def get_queryset(self, request):
        """The viewer's subtree only (list, change, delete, autocomplete): the scope rule."""
        from django.db.models import Count

        scope = viewer_scope(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(scope_q(scope))
            .annotate(member_total=Count("members"))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        scope = viewer_scope(request.user)

        class ScopedForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, scope=scope, **inner)

        return ScopedForm

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            updated = unit_update(
                unit=obj, name=data["name"], code=data["code"], parent=data["parent"]
            )
        else:
            updated = unit_create(name=data["name"], code=data["code"], parent=data["parent"])
        obj.pk, obj.path = updated.pk, updated.path

    def delete_model(self, request, obj):
        units_delete(pks=[obj.pk])

    def delete_queryset(self, request, queryset):
        units_delete(pks=list(queryset.values_list("pk", flat=True)))

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="experiences_unit_import",
            ),
            path(
                "unmatched/",
                self.admin_site.admin_view(self.unmatched_view),
                name="experiences_unit_unmatched",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template, context):
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def import_view(self, request):
        """Upload a sheet → preview (dry run) → import for real."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = UnitImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = units_rows_read(filename=upload.name, data=upload.read())
            except UnitImportError as error:
                form.add_error("file", str(error))
            else:
                # An organiser's rows stay within their own subtree (the scope rule).
                report = units_import(
                    rows=rows,
                    dry_run=form.cleaned_data["dry_run"],
                    scope=viewer_scope(request.user),
                )
                if not report.dry_run and not report.errors:
                    self.message_user(
                        request,
                        _("导入完成\uff1a新增 %(created)d 个\uff0c更新 %(updated)d 个单位。")
                        % {"created": len(report.created), "updated": len(report.updated)},
                    )
                    return redirect("admin:experiences_unit_changelist")
        return self._page(
            request,
            "admin/experiences/unit/import.html",
            {"title": _("导入单位"), "form": form, "report": report},
        )

    def unmatched_view(self, request):
        """Users whose free-text 单位 matched no unit, each with a select to map them."""
        if not request.user.has_perm("experiences.change_user"):
            raise PermissionDenied
        if request.method == "POST":
            form = UserUnitForm(request.POST)
            user = get_user_model().objects.filter(pk=request.POST.get("user")).first()
            if form.is_valid() and user is not None:
                user_unit_assign(user=user, unit=form.cleaned_data["unit"])
                self.message_user(
                    request,
                    _("已把 %(user)s 归入 %(unit)s。")
                    % {"user": user, "unit": form.cleaned_data["unit"]},
                )
            else:
                self.message_user(request, _("请选择一个单位。"), level=messages.ERROR)
            return redirect("admin:experiences_unit_unmatched")
        page = Paginator(users_without_unit(), 50).get_page(request.GET.get("p"))
        # One list of units for every row's select, not one query per row.
        units = list(Unit.objects.order_by("path").only("pk", "name", "depth"))
        return self._page(
            request,
            "admin/experiences/unit/unmatched.html",
            {"title": _("未匹配单位的用户"), "page": page, "units": units},
        )
