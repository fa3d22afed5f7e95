"""The reflection form's 学习专题 choice: only the member's open topics, hidden when none.

A part of the reflection form (``form_part_register``, from the app's ready): the
reflections domain sits below study and knows nothing of topics, units or due
dates; the reading pages (above study) add it to the principle page's form directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experiences.core.web import id_from
from experiences.reflections.forms import form_part_register
from experiences.study.models import StudyTopic
from experiences.study.selectors import open_topics_for_member

if TYPE_CHECKING:
    from experiences.accounts.models import User


def study_topic_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("学习专题"),
        queryset=StudyTopic.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        empty_label=_("不针对学习专题"),
        help_text=_("选择后计入该专题的学习任务\uff1a待审核算“已提交”\uff0c发布后算“已通过”。"),
        error_messages={
            "invalid_choice": _("这个学习专题已结束或不属于你的单位\uff0c请重新选择。")
        },
    )


def study_topic_field_add(form: forms.BaseForm) -> forms.ModelChoiceField:
    """The field, hidden and empty, where the form had it (after the tags, before the token)."""
    field = study_topic_field()
    fields = {name: value for name, value in form.fields.items() if name != "study_topic"}
    form.fields = {}
    for name, value in fields.items():
        if name == "submission_token":
            form.fields["study_topic"] = field
        form.fields[name] = value
    form.fields.setdefault("study_topic", field)
    return field


def study_topic_field_limit(
    *, form: forms.BaseForm, member: User, current_id: int | None = None, requested: str = ""
) -> None:
    """Add the 学习专题 field, offering ``member``'s open topics (and the reflection's
    current one, even if closed)."""
    field = study_topic_field_add(form)
    today = timezone.localdate()
    ids = open_topics_for_member(member=member, today=today).values("pk")
    topics = StudyTopic.objects.filter(pk__in=ids)
    if current_id is not None:
        topics = StudyTopic.objects.filter(pk__in=ids) | StudyTopic.objects.filter(pk=current_id)
    field.queryset = topics.order_by("due_date", "pk")
    choices = list(field.queryset)
    if not choices:
        field.widget = forms.HiddenInput()
        return
    field.widget = forms.Select()
    field.widget.choices = field.choices
    wanted = id_from(requested)
    if not form.is_bound and wanted is not None and any(t.pk == wanted for t in choices):
        form.initial["study_topic"] = wanted


def register() -> None:
    """Called once from the app's ``ready``: every reflection form offers the topics."""
    form_part_register("study_topic", study_topic_field_limit)
