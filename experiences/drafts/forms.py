"""What a draft accepts: the reflection form's fields, none required, bound four times higher.

Text too long to post is still kept as a draft (the posting form refuses it, as
it always has), so a colleague who pasted too much loses nothing.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from experiences.core.markdown import text_clean
from experiences.drafts.models import (
    DRAFT_BODY_MAX_LENGTH,
    DRAFT_TAGS_MAX_LENGTH,
    DRAFT_TITLE_MAX_LENGTH,
)
from experiences.essays.models import Principle

TOO_LONG = _(
    "草稿太长\uff0c没有保存\uff08最多 %(limit_value)d 个字\uff0c现在 %(show_value)d 个\uff09。"
)


class DraftTextField(forms.CharField):
    """Not required, not stripped; NUL and control characters dropped before any check
    (Django's own check would refuse NUL in English)."""

    def __init__(self, *, max_length: int) -> None:
        super().__init__(
            required=False,
            strip=False,
            max_length=max_length,
            error_messages={"max_length": TOO_LONG},
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = text_clean(value)
        return super().to_python(value)


class DraftForm(forms.Form):
    principle = forms.ModelChoiceField(
        queryset=Principle.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("这条原则不存在。")},
    )
    title = DraftTextField(max_length=DRAFT_TITLE_MAX_LENGTH)
    body = DraftTextField(max_length=DRAFT_BODY_MAX_LENGTH)
    tags = DraftTextField(max_length=DRAFT_TAGS_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = Principle.objects.published()

    def first_error(self) -> str:
        return next(str(error) for errors in self.errors.values() for error in errors)
