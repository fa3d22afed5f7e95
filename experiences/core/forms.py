"""Form messages that name the field the way the form itself labels it.

Django's stock messages say "这个字段是必填项" or "输入一个有效的 Email 地址" and leave the
reader to work out which field is meant and what it is called; next to an error
summary at the top of a form they must name the field by its own label (电子邮箱).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

STOCK_REQUIRED = forms.Field.default_error_messages["required"]


class LabelledErrorsMixin:
    """Required and format messages name the field by its label; custom messages stay."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label is None:
                continue
            label = str(field.label)
            if str(field.error_messages.get("required")) == str(STOCK_REQUIRED):
                field.error_messages["required"] = _("请填写%(label)s。") % {"label": label}
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = _(
                    "%(label)s的格式不对\uff0c应当像 name@example.cn 这样。"
                ) % {"label": label}
