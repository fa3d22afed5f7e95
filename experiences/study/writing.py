"""The reflection form's 学习专题 choice: only the member's open topics, hidden when none.

Called by the reflection views on their form, so the reflections domain keeps
a single optional field and needs to know nothing about units or due dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone

from experiences.core.web import id_from
from experiences.study.models import StudyTopic
from experiences.study.selectors import open_topics_for_member

if TYPE_CHECKING:
    from experiences.accounts.models import User


def study_topic_field_limit(
    *, form: forms.BaseForm, member: User, current_id: int | None = None, requested: str = ""
) -> None:
    """Offer ``member``'s open topics (and the reflection's current one, even if closed)."""
    field = form.fields.get("study_topic")
    if field is None:
        return
    today = timezone.localdate()
    ids = open_topics_for_member(member=member, today=today).values("pk")
    topics = StudyTopic.objects.filter(pk__in=ids)
    if current_id is not None:
        topics = StudyTopic.objects.filter(pk__in=ids) | StudyTopic.objects.filter(pk=current_id)
    field.queryset = topics.order_by("due_date", "pk")  # type: ignore[attr-defined]
    choices = list(field.queryset)  # type: ignore[attr-defined]
    if not choices:
        field.widget = forms.HiddenInput()
        return
    field.widget = forms.Select()
    field.widget.choices = field.choices  # type: ignore[attr-defined]
    wanted = id_from(requested)
    if not form.is_bound and wanted is not None and any(t.pk == wanted for t in choices):
        form.initial["study_topic"] = wanted
