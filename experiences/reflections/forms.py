"""The reflection form: what a colleague types, cleaned and checked, with Chinese messages."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from experiences.core.caching import cached_per_content_version
from experiences.core.limits import BODY_MAX_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, TITLE_MAX_LENGTH
from experiences.core.markdown import text_clean
from experiences.core.text import line_clean
from experiences.essays.models import Principle
from experiences.reflections.models import Reflection
from experiences.reflections.tags import tags_in_use
from experiences.tagging.services import tags_parse

# What domains above reflections add to the form for the member writing it (study/
# writing.py: the 学习专题 choice), registered from their module when the app is ready.
# ``part(form=, member=, current_id=, requested=)``; ``current_id`` is the edited
# reflection's value, ``requested`` the one the link asked for (``?study_topic=``).
FormPart = Callable[..., None]
_form_parts: dict[str, FormPart] = {}


def form_part_register(name: str, part: FormPart) -> None:
    """Add (or replace, under ``name``) a part of every reflection form."""
    _form_parts[name] = part


def reflection_form_parts_add(
    *, form: forms.BaseForm, member: Any, values: dict[str, Any], requested: Mapping[str, str]
) -> None:
    """Let every registered part add its fields: ``values`` of the reflection edited,
    ``requested`` from the link (each part reads its own key)."""
    for name, part in _form_parts.items():
        part(
            form=form, member=member, current_id=values.get(name), requested=requested.get(name, "")
        )


def _tag_suggestions() -> list[str]:
    return list(tags_in_use().order_by("-use_count", "name").values_list("name", flat=True)[:50])


class PrincipleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, principle):
        return principle.label


class CleanCharField(forms.CharField):
    """A CharField that drops invisible characters (core/text.py's rule) before validating."""

    def to_python(self, value):
        if isinstance(value, str):
            value = text_clean(value)
        return super().to_python(value)


class CleanLineField(forms.CharField):
    """One line: the same rule, and tabs and newlines dropped too."""

    def to_python(self, value):
        if isinstance(value, str):
            value = line_clean(value)
        return super().to_python(value)


class ReflectionForm(forms.Form):
    principle = PrincipleChoiceField(
        label=_("针对的原则"),
        queryset=Principle.objects.none(),
        required=False,
        empty_label=_("通用心得\uff08不针对某条原则\uff09"),
    )
    title = CleanLineField(
        label=_("标题"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "max_length": _("标题最多 %(limit_value)d 个字\uff08现在 %(show_value)d 个\uff09。")
        },
    )
    body = CleanCharField(
        label=_("心得正文"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("请写下心得正文\uff0c不能为空。"),
            "max_length": _(
                "正文最多 %(limit_value)d 个字\uff08现在 %(show_value)d 个\uff09"
                "\uff0c请精简后再提交。"
            ),
        },
    )
    tags = CleanCharField(
        label=_("标签"),
        required=False,
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = (
            Principle.objects.published().select_related("essay").order_by("essay_id", "position")
        )
        # In a cadre's words, not "Markdown"; the one-line 写法 under the box shows how.
        self.fields["body"].help_text = gettext(
            "最多 %(max)d 字。可以加粗\u3001加着重号\u3001引用别人的话\u3001列条目\u3001加链接"
            "\uff0c写法见表单下方的\u201c写法\u201d一行\uff1b点\u201c预览\u201d先看看发表后的样子。"
        ) % {"max": BODY_MAX_LENGTH}
        self.fields["tags"].help_text = gettext(
            "最多 %(max)d 个\uff0c每个不超过 %(length)d 字\uff1b用逗号、顿号或空格分隔。"
        ) % {"max": MAX_TAGS, "length": MAX_TAG_LENGTH}
        # No maxlength attribute: browsers silently cut pasted text at the limit,
        # losing what the user wrote. The counter and the server say what is too long.
        for name in ("title", "body"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        # Suggestions as the user types, without JavaScript: the browser's own datalist.
        self.fields["tags"].widget.attrs.update(list="tag-suggestions", autocomplete="off")

    @cached_property
    def tag_suggestions(self) -> list[str]:
        """The 50 most used public tags: a GROUP BY over every tagged item, so it is
        computed once per content version (any change to tags or reflections makes a
        new version) and shared by every form on every app server."""
        return cached_per_content_version("tag-suggestions", _tag_suggestions)

    def clean_tags(self):
        tags = tags_parse(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                _("标签最多 %(max)d 个\uff0c你填了 %(count)d 个。"),
                params={"max": MAX_TAGS, "count": len(tags)},
            )
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("每个标签不超过 %(max)d 个字\uff1a“%(tag)s”太长了。"),
                params={"max": MAX_TAG_LENGTH, "tag": too_long[0][:40]},
            )
        return tags

    @classmethod
    def initial_for(cls, reflection: Reflection) -> dict:
        return {
            "principle": reflection.principle_id,
            "study_topic": reflection.study_topic_id,
            "title": reflection.title,
            "body": reflection.body,
            "tags": ",".join(sorted(tag.name for tag in reflection.tags.all())),
        }
