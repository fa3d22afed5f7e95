"""Forms: sign-up, profile, reflections. Validation and Chinese messages only; no saving logic."""

from django import forms
from django.contrib.auth.forms import UserChangeForm, UserCreationForm, UsernameField
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .accounts import display_name_check, username_characters_check, username_check
from .markdown import text_clean
from .models import Essay, Principle, Reflection, User
from .tagging import MAX_TAG_LENGTH, MAX_TAGS, tags_in_use, tags_parse
from .text import line_clean

BODY_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 100


class TypedUsernameField(UsernameField):
    """The username as typed must already be in the allowed characters, before NFKC.

    Django normalises usernames with NFKC, which would quietly accept a
    ligature or full-width letters as their ASCII look-alikes.
    """

    def to_python(self, value):
        # Longer than allowed: left to the max_length message, not scanned.
        if isinstance(value, str) and value.strip() and len(value) <= self.max_length:
            username_characters_check(typed=value.strip())
        return super().to_python(value)


class LineField(forms.CharField):
    """A one-line text field: invisible characters, tabs and newlines dropped, blanks stripped."""

    def to_python(self, value):
        if isinstance(value, str):
            value = line_clean(value)
        return super().to_python(value)


# Everything a profile shows on one line beside a colleague's words.
PROFILE_LINE_FIELDS = {"display_name": LineField, "unit": LineField, "post": LineField}


class DisplayNameMixin:
    """A display name must not read as another colleague's name."""

    def clean_display_name(self):
        display_name = self.cleaned_data["display_name"]
        display_name_check(display_name=display_name, exclude_pk=self.instance.pk)
        return display_name


class SignupForm(DisplayNameMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, help_text=_("选填\uff0c用于找回密码。")
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name", "unit", "post", "years_of_service")
        field_classes = {"username": TypedUsernameField, **PROFILE_LINE_FIELDS}
        error_messages = {"years_of_service": {"max_value": _("工作年限不能超过 60 年。")}}

    def clean_username(self):
        # Replaces Django's case-insensitive check with the stricter look-alike rules.
        username = self.cleaned_data["username"]
        username_check(username=username)
        return username


class UserAdminChangeForm(DisplayNameMixin, UserChangeForm):
    """The admin's user form: the same cleaning and look-alike rules as the profile page."""

    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {**UserChangeForm.Meta.field_classes, **PROFILE_LINE_FIELDS}

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username != self.instance.username:
            username_check(username=username, exclude_pk=self.instance.pk)
        return username


class ProfileForm(DisplayNameMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "unit", "post", "years_of_service")
        field_classes = PROFILE_LINE_FIELDS
        error_messages = {
            "years_of_service": {"max_value": _("工作年限不能超过 60 年。")},
        }


class PrincipleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, principle):
        return f"既要「{principle.baseline}」,更要「{principle.emphasis}」"


class CleanCharField(forms.CharField):
    """A CharField that drops NUL and other invisible control characters before validating."""

    def to_python(self, value):
        if isinstance(value, str):
            value = text_clean(value)
        return super().to_python(value)


class ReflectionForm(forms.Form):
    principle = PrincipleChoiceField(
        label=_("针对的原则"),
        queryset=Principle.objects.none(),
        required=False,
        empty_label=_("通用心得(不针对某条原则)"),
    )
    title = CleanCharField(
        label=_("标题"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        error_messages={"max_length": _("标题最多 %(limit_value)d 个字(现在 %(show_value)d 个)。")},
    )
    body = CleanCharField(
        label=_("心得正文"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("最多 5000 字。支持简单的 Markdown:**加粗**、*斜体*、列表、引用、链接。"),
        error_messages={
            "required": _("请写下心得正文,不能为空。"),
            "max_length": _(
                "正文最多 %(limit_value)d 个字(现在 %(show_value)d 个),请精简后再提交。"
            ),
        },
    )
    tags = CleanCharField(
        label=_("标签"),
        required=False,
        help_text=_("最多 8 个,每个不超过 30 字;用逗号、顿号或空格分隔。"),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = (
            Principle.objects.filter(essay__status=Essay.Status.PUBLISHED)
            .select_related("essay")
            .order_by("essay_id", "position")
        )
        # No maxlength attribute: browsers silently cut pasted text at the limit,
        # losing what the user wrote. The counter and the server say what is too long.
        for name in ("title", "body"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        # Suggestions as the user types, without JavaScript: the browser's own datalist.
        self.fields["tags"].widget.attrs.update(list="tag-suggestions", autocomplete="off")

    @cached_property
    def tag_suggestions(self) -> list[str]:
        return list(
            tags_in_use().order_by("-use_count", "name").values_list("name", flat=True)[:50]
        )

    def clean_tags(self):
        tags = tags_parse(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                _("标签最多 %(max)d 个,你填了 %(count)d 个。"),
                params={"max": MAX_TAGS, "count": len(tags)},
            )
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("每个标签不超过 %(max)d 个字:“%(tag)s”太长了。"),
                params={"max": MAX_TAG_LENGTH, "tag": too_long[0][:40]},
            )
        return tags

    @classmethod
    def initial_for(cls, reflection: Reflection) -> dict:
        return {
            "principle": reflection.principle_id,
            "title": reflection.title,
            "body": reflection.body,
            "tags": ",".join(sorted(tag.name for tag in reflection.tags.all())),
        }
