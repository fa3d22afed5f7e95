"""学习专题 pages: the report (with drill-down), its exports, reminder requests, the dashboard.

Only whole-tree viewers (superusers, view_all_units) and the topic's organisers
(and organisers above them in the unit tree) reach a topic's pages; everyone
else, staff included, gets a 404 that reveals nothing. What a page shows is
limited to the viewer's own subtree (experiences.study.access).
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from experiences.core.web import id_from
from experiences.exports.models import ExportJob
from experiences.exports.services import export_is_large, export_job_start
from experiences.study.access import may_use_dashboard, topic_visible_to
from experiences.study.charts import submissions_chart
from experiences.study.dashboard import dashboard_context
from experiences.study.jobs import (
    DOCX,
    docx_filename,
    scope_label,
    study_docx_build,
)
from experiences.study.models import StudyTopic
from experiences.study.reminders import study_reminder_enqueue
from experiences.study.selectors import (
    members_with_status,
    published_for_export,
    report_rows,
    submissions_per_day,
    task_status,
)
from experiences.study.services import study_reminder_request
from experiences.study.xlsx_export import participation_xlsx
from experiences.units.scope import roots_within, viewer_scope

MEMBERS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TopicMixin(LoginRequiredMixin):
    """Loads the topic and the viewer's part of its target subtrees, or answers 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.topic = get_object_or_404(StudyTopic, pk=kwargs["pk"])
        if not topic_visible_to(self.topic, request.user):
            raise Http404
        targets = list(self.topic.target_units.values_list("path", flat=True))
        self.roots = roots_within(targets, viewer_scope(request.user))
        return super().dispatch(request, *args, **kwargs)

    def status_of(self, member):
        return task_status(
            submitted=member.submitted,
            published=member.published,
            due=self.topic.due_date,
            today=timezone.localdate(),
        )

    def attachment(self, content: bytes, *, content_type: str, name: str) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        # The title is the organiser's text: only the RFC 5987 form carries it, percent-encoded.
        ascii_name = f"study-{self.topic.pk}.{name.rpartition('.')[2]}"
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        )
        return response


class StudyReportView(TopicMixin, TemplateView):
    template_name = "study/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, total = report_rows(topic=self.topic, roots=self.roots)
        svg, days = submissions_chart(
            start=self.topic.start_date,
            due=self.topic.due_date,
            counts=submissions_per_day(topic=self.topic, roots=self.roots),
        )
        context.update(topic=self.topic, rows=rows, total=total, chart=svg, days=days)
        unit_id = id_from(self.request.GET.get("unit"))
        unit = next((row.unit for row in rows if row.unit.pk == unit_id), None)
        if unit is not None:
            missing = self.request.GET.get("missing") == "1"
            members = members_with_status(topic=self.topic, unit=unit)
            if missing:
                members = members.filter(submitted=False)
            page = Paginator(members, MEMBERS_PER_PAGE).get_page(self.request.GET.get("page"))
            for member in page:
                member.task_status = self.status_of(member)
            context.update(unit=unit, members=page, missing=missing)
        return context


class StudyDocxView(TopicMixin, View):
    """The 汇编. Small: the file at once. Large (KB_EXPORT_QUEUE_THRESHOLD): built in the
    task queue; GET offers a button, POST starts (or finds) the job and shows its page."""

    def large(self) -> bool:
        return export_is_large(published_for_export(topic=self.topic, roots=self.roots).count())

    def immediate(self) -> HttpResponse:
        content = study_docx_build(topic=self.topic, roots=self.roots)
        return self.attachment(content, content_type=DOCX, name=docx_filename(self.topic))

    def get(self, request, *args, **kwargs):
        if self.large():
            return render(request, "study/docx_prepare.html", {"topic": self.topic})
        return self.immediate()

    def post(self, request, *args, **kwargs):
        if not self.large():
            return self.immediate()
        job = export_job_start(
            owner=request.user, kind=ExportJob.Kind.STUDY_DOCX, params={"topic": self.topic.pk}
        )
        return redirect(job)


class StudyXlsxView(TopicMixin, View):
    def get(self, request, *args, **kwargs):
        rows, total = report_rows(topic=self.topic, roots=self.roots)
        members = []
        for root in (row.unit for row in rows if row.level == 0):
            members.extend(members_with_status(topic=self.topic, unit=root))
        content = participation_xlsx(
            topic=self.topic,
            scope_label=scope_label(rows),
            unit_rows=rows,
            total=total,
            members=members,
            status_of=self.status_of,
        )
        return self.attachment(content, content_type=XLSX, name=f"{self.topic.title}-参学情况.xlsx")


class StudyRemindView(TopicMixin, View):
    """发送提醒: records a reminder request for members who have not submitted."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        _rows, total = report_rows(topic=self.topic, roots=self.roots)
        waiting = total.members - total.submitted if total else 0
        if self.topic.due_date < timezone.localdate():
            messages.error(request, _("专题已过截止日期\uff0c不再发送提醒。"))
        elif waiting == 0:
            messages.info(request, _("所有成员都已提交\uff0c无需提醒。"))
        else:
            reminder, created = study_reminder_request(
                topic=self.topic, requested_by=request.user, recipients=waiting
            )
            if created:
                study_reminder_enqueue(reminder=reminder)
                messages.success(
                    request,
                    _("已记录提醒请求\uff1a%(count)d 人尚未提交\uff0c系统将向他们发送提醒。")
                    % {"count": waiting},
                )
            else:
                messages.info(request, _("刚刚已经记录过提醒请求\uff0c请勿重复发送。"))
        return redirect("experiences:study_report", pk=self.topic.pk)


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "study/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_use_dashboard(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard_context(viewer=self.request.user))
        return context
