"""Forms of the unit tree: the admin's unit form, the sheet import, mapping a user to a unit,
the roster upload and the first sign-in."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experiences.core.forms import LabelledErrorsMixin
from experiences.core.text import line_clean
from experiences.units.models import Unit
from experiences.units.scope import scope_q
from experiences.units.services import MAX_IMPORT_BYTES


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.indented_name


class UnitAdminForm(forms.ModelForm):
    parent = UnitChoiceField(
        label=_("上级单位"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("\uff08无\uff0c作为顶级单位\uff09"),
    )

    class Meta:
        model = Unit
        fields = ["name", "code"]

    def __init__(self, *args, scope: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units in the editor's scope may become a parent (experiences.units.scope);
        # a unit may keep the parent it has.
        allowed = scope_q(scope)
        parent = Unit.objects.get_parent(self.instance) if self.instance.pk else None
        if parent is not None and scope is not None:  # (an empty Q() would vanish in the OR)
            allowed |= Q(pk=parent.pk)
        if scope is not None and self.instance.pk is None:
            # A new top-level unit would lie outside every subtree.
            self.fields["parent"].required = True
            self.fields["parent"].error_messages["required"] = _("请选择上级单位。")
        parents = Unit.objects.filter(allowed)
        if self.instance.pk:
            self.fields["parent"].initial = parent.pk if parent else None
            # A unit cannot move under itself or its own subtree.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]

    def clean_name(self):
        name = line_clean(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("请填写单位名称。"))
        return name

    def clean_code(self):
        code = line_clean(self.cleaned_data["code"]).strip()
        if code and Unit.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("这个编码已被其他单位使用。"))
        return code

    def _post_clean(self):
        # The tree fields (path, depth) are set by the service, not validated here.
        pass


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 或 Excel 文件"),
        help_text=_(
            "三列\uff1a名称、上级单位\uff08名称或编码\uff0c顶级留空\uff09、编码\uff08可选\uff09。"
        ),
    )
    dry_run = forms.BooleanField(label=_("只预览\uff0c不保存"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("请上传 .csv 或 .xlsx 文件。"))
        if upload.size > MAX_IMPORT_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("文件太大\uff1a最多 5 MB。"))
        return upload


class UserUnitForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    unit = UnitChoiceField(label=_("所属单位"), queryset=Unit.objects.order_by("path"))


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("花名册文件\uff08CSV 或 Excel\uff09"),
        help_text=_(
            "第一行是表头\uff1a姓名、单位\uff08或单位编码\uff09\uff0c"
            "可选手机号、工号、岗位、角色\uff08填“组织员”或留空\uff09。CSV 可用 UTF-8 或 GBK 编码。"
        ),
        error_messages={"required": _("请选择花名册文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("请上传 .csv 或 .xlsx 文件。"))
        if upload.size > MAX_IMPORT_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("文件太大\uff1a最多 5 MB。"))
        return upload


class FirstSignInForm(LabelledErrorsMixin, SetPasswordForm):
    """The first sign-in from a 账号通知单: one's own password and the 隐私政策 consent."""

    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意\u300a隐私政策\u300b"),
        required=True,
        error_messages={"required": _("请先阅读并同意\u300a隐私政策\u300b\u3002")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("设置密码")
        self.fields["new_password2"].label = _("再输入一次密码")
