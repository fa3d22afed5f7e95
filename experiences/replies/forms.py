"""The reply form: the body, cleaned like a reflection's, and which reply it quotes."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from experiences.core.web import id_from
from experiences.reflections.forms import CleanCharField
from experiences.replies.models import REPLY_MAX_LENGTH


class ReplyForm(forms.Form):
    body = CleanCharField(
        label=_("回复内容"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("请写下回复内容\uff0c不能为空。"),
            "max_length": _(
                "回复最多 %(limit_value)d 个字\uff08现在 %(show_value)d 个\uff09"
                "\uff0c请精简后再提交。"
            ),
        },
    )
    quoted = forms.CharField(widget=forms.HiddenInput, required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reflection form's plain words (not "Markdown", not 斜体: emphasis shows as
        # 着重号); the one-line 写法 under the box shows how.
        self.fields["body"].help_text = gettext(
            "最多 %(max)d 字。可以加粗\u3001加着重号\u3001引用别人的话\u3001列条目\u3001加链接"
            "\uff0c写法见表单下方的\u201c写法\u201d一行。"
        ) % {"max": REPLY_MAX_LENGTH}
        # No maxlength attribute: browsers cut pasted text silently (see ReflectionForm).
        self.fields["body"].widget.attrs.pop("maxlength", None)

    def clean_quoted(self) -> int | None:
        # Which reply is quoted is checked by the service (same reflection, public);
        # a tampered value only drops the quote.
        return id_from(self.cleaned_data.get("quoted"))
