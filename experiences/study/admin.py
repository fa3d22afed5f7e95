"""学习专题 in the admin, under the scope rule (experiences.study.access).

Whole-tree viewers see every topic; organisers theirs and those organised in
their subtree, and may change only topics whose every target lies in it.
Reminder requests show an organiser only those made in their subtree.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experiences.core.admin import NoEditingMixin
from experiences.study.access import topic_editable_with, topics_visible
from experiences.study.forms import StudyTopicAdminForm
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.services import study_topic_save, study_topics_delete
from experiences.units.scope import scope_q, viewer_scope


@admin.register(StudyTopic)
class StudyTopicAdmin(admin.ModelAdmin):
    form = StudyTopicAdminForm
    list_display = ["title", "start_date", "due_date", "report_link"]
    search_fields = ["title"]
    date_hierarchy = "due_date"
    filter_horizontal = ["principles", "organisers"]

    @admin.display(description=_("报告"))
    def report_link(self, topic):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', topic.get_absolute_url(), _("查看报告"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = topics_visible(request.user, viewer_scope(request.user))
        return queryset.filter(pk__in=visible.values("pk"))

    def _editable(self, request, topic) -> bool:
        if topic is None or topic.pk is None:
            return True
        targets = topic.target_units.values_list("path", flat=True)
        return topic_editable_with(targets, viewer_scope(request.user))

    def has_change_permission(self, request, obj=None):
        # A topic reaching outside the organiser's subtree is shown read-only.
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        scope = viewer_scope(request.user)

        class ScopedForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, scope=scope, **inner)

        return ScopedForm

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        study_topic_save(
            topic=obj,
            title=data["title"],
            description=data["description"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            principles=data["principles"],
            target_units=data["target_units"],
            organisers=data["organisers"],
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        pass  # study_topic_save set the relations in save_model

    def delete_model(self, request, obj):
        study_topics_delete(topics=[obj])

    def delete_queryset(self, request, queryset):
        study_topics_delete(topics=list(queryset))


@admin.register(StudyReminderRequest)
class StudyReminderRequestAdmin(NoEditingMixin, admin.ModelAdmin):
    list_display = ["topic", "requested_by", "recipients", "created_at", "sent_at"]
    list_select_related = ["topic", "requested_by"]

    def get_queryset(self, request):
        """Organisers: requests for topics they see, made by someone in their subtree.

        A request's 待提醒人数 counts the requester's whole subtree: one made
        above the organiser (or by the daily command) would show other towns' figures.
        """
        queryset = super().get_queryset(request)
        scope = viewer_scope(request.user)
        if scope is None:
            return queryset
        visible = topics_visible(request.user, scope)
        return queryset.filter(
            scope_q(scope, "requested_by__org_unit__"), topic__in=visible.values("pk")
        )
