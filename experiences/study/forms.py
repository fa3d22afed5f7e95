"""The admin's 学习专题 form: dates in order, a target unit or more, in the organiser's tree.

Its choices follow the scope rule (experiences.study.access): units and
organisers in the editor's subtree, principles of published essays only.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from experiences.core.text import line_clean
from experiences.essays.models import Principle
from experiences.study.models import StudyTopic
from experiences.units.models import Unit
from experiences.units.roles import ORGANISERS_GROUP
from experiences.units.scope import scope_q


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return unit.indented_name


class StudyTopicAdminForm(forms.ModelForm):
    target_units = UnitMultipleChoiceField(
        label=_("参学单位"),
        queryset=Unit.objects.order_by("path"),
        help_text=_("选中的单位包括其全部下级单位。"),
        error_messages={
            "required": _("请至少选择一个参学单位。"),
            "invalid_choice": _("只能选择你所管理范围内的单位。"),
        },
    )

    class Meta:
        model = StudyTopic
        fields = [
            "title",
            "description",
            "principles",
            "start_date",
            "due_date",
            "target_units",
            "organisers",
        ]
        error_messages = {
            "title": {"required": _("请填写专题标题。")},
            "start_date": {"required": _("请填写开始日期。"), "invalid": _("请输入有效的日期。")},
            "due_date": {"required": _("请填写截止日期。"), "invalid": _("请输入有效的日期。")},
        }

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # An organiser assigns only units, and names only organisers, inside their own subtree
        # (the service keeps the organisers outside it). A read-only view has no such fields.
        fields = self.fields
        if "target_units" in fields:
            fields["target_units"].queryset = Unit.objects.filter(scope_q(scope)).order_by("path")
        if "organisers" in fields:
            fields["organisers"].queryset = (
                get_user_model()
                .objects.filter(scope_q(scope, "org_unit__"), groups__name=ORGANISERS_GROUP)
                .select_related("org_unit")
                .order_by("username")
            )
            fields["organisers"].help_text = _("只能选择“组织员”组的成员。")
            fields["organisers"].error_messages["invalid_choice"] = _(
                "只能选择你所管理范围内的组织员。"
            )
        if "principles" in fields:
            # A draft essay's principles are not offered: the 汇编 would print unpublished text.
            fields["principles"].queryset = (
                Principle.objects.published()
                .select_related("essay")
                .order_by("essay_id", "position")
            )
            fields["principles"].error_messages["invalid_choice"] = _(
                "只能选择已发布文章中的原则。"
            )

    def clean_title(self):
        title = line_clean(self.cleaned_data["title"]).strip()
        if not title:
            raise forms.ValidationError(_("请填写专题标题。"))
        return title

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("截止日期不能早于开始日期。"))
        return cleaned

    def _save_m2m(self):
        pass  # the service sets the relations
