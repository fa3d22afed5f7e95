"""Forms for sign-up, the profile and the admin's user page: cleaning and Chinese messages only."""

from django import forms
from django.contrib.auth.forms import UserChangeForm, UserCreationForm, UsernameField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experiences.accounts.checks import (
    display_name_check,
    username_characters_check,
    username_check,
)
from experiences.accounts.models import User
from experiences.core.forms import LabelledErrorsMixin
from experiences.core.text import line_clean


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


PRIVACY_CONSENT_REQUIRED = _("请先阅读并同意\u300a隐私政策\u300b\uff0c才能注册。")


class SignupForm(LabelledErrorsMixin, DisplayNameMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, help_text=_("选填\uff0c用于找回密码。")
    )
    # The template renders this box itself, with a link to the policy in its label.
    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意\u300a隐私政策\u300b"),
        required=True,
        error_messages={"required": PRIVACY_CONSENT_REQUIRED},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name", "unit", "post", "years_of_service")
        field_classes = {"username": TypedUsernameField, **PROFILE_LINE_FIELDS}
        error_messages = {"years_of_service": {"max_value": _("工作年限不能超过 60 年。")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Shown again only with errors: focus goes to the error summary instead.
            self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean_username(self):
        # Replaces Django's case-insensitive check with the stricter look-alike rules.
        username = self.cleaned_data["username"]
        username_check(username=username)
        return username

    def save(self, commit=True):
        user = super().save(commit=False)
        user.privacy_consented_at = timezone.now()
        if commit:
            user.save()
            self.save_m2m()
        return user


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


class ProfileForm(LabelledErrorsMixin, DisplayNameMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = (
            "display_name",
            "email",
            "unit",
            "post",
            "years_of_service",
            "email_notifications",
        )
        field_classes = PROFILE_LINE_FIELDS
        labels = {"email": _("电子邮箱")}  # as sign-up calls it, not the model's 电子邮件地址
        error_messages = {
            "years_of_service": {"max_value": _("工作年限不能超过 60 年。")},
        }


def form_refuse(*, form: forms.Form, message: str) -> forms.Form:
    """``form``, unbound, carrying ``message`` alone: for a try refused by a limit.

    A bound form would be cleaned, checking the password; whether its "wrong
    password" error then showed would answer the very guess the limit refused.
    """
    form.cleaned_data = {}  # what add_error expects of a form that was cleaned
    form.add_error(None, message)
    return form


class AccountDeleteForm(forms.Form):
    """Leaving: the password again, and what becomes of the published reflections."""

    KEEP = "keep"
    DELETE = "delete"
    WRONG_PASSWORD = _("密码不正确\uff0c账号没有注销。")

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入当前密码。")},
    )
    reflections = forms.ChoiceField(
        label=_("我已发布的心得"),
        choices=[
            (KEEP, _("保留\uff0c显示为\u201c已注销用户\u201d\uff0c不再关联到任何账号")),
            (DELETE, _("全部删除")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择如何处理已发布的心得。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(self.WRONG_PASSWORD, code="password_incorrect")
        return password

    @property
    def keep_reflections(self) -> bool:
        return self.cleaned_data["reflections"] == self.KEEP
