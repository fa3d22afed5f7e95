"""The 举报 form: a reason, and a few words (required for 其他)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from experiences.core.text import line_clean
from experiences.flags.models import FLAG_DETAIL_MAX_LENGTH, Flag


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("举报理由"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择举报理由。"),
            "invalid_choice": _("请选择列出的举报理由。"),
        },
    )
    detail = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=FLAG_DETAIL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“其他”时必填\uff0c最多 200 字。"),
        error_messages={
            "max_length": _("说明最多 %(limit_value)d 个字\uff08现在 %(show_value)d 个\uff09。")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detail"].widget.attrs.pop("maxlength", None)

    def clean_detail(self) -> str:
        return line_clean(self.cleaned_data.get("detail", ""))

    def clean(self):
        data = super().clean()
        if data.get("reason") == Flag.Reason.OTHER and not data.get("detail"):
            self.add_error("detail", _("选择“其他”时请写明理由。"))
        return data
