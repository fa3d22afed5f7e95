"""A colleague's right to their data: all of it as one ZIP (accounts/data_export.py).

POST with CSRF, no password again (it only shows a signed-in colleague what the
site already shows them), throttled. Small exports stream from the request; for
a colleague who has written a great deal it is an export job, built in the task
queue: 正在生成 with progress, then a download only its owner can fetch, deleted
when it expires.
"""

from __future__ import annotations

import io
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from experiences.accounts.data_export import data_export_write
from experiences.core.client import throttle_hit
from experiences.exports.models import ExportJob
from experiences.exports.services import (
    export_is_large,
    export_job_progress,
    export_job_run,
    export_job_start,
)
from experiences.reflections.models import Reflection

HOUR = 3600

ZIP = "application/zip"


def data_export_filename() -> str:
    return f"kb-data-{timezone.localtime():%Y%m%d-%H%M}.zip"


def _build(job: ExportJob) -> tuple[bytes, str, str]:
    buffer = io.BytesIO()
    data_export_write(
        user=job.owner,
        file=buffer,
        progress=lambda done, total: export_job_progress(job=job, percent=done * 100 // total),
    )
    return buffer.getvalue(), data_export_filename(), ZIP


def data_export_job_task(job_id: int) -> bool:
    return export_job_run(job_id=job_id, build=_build)


class DataExportView(LoginRequiredMixin, TemplateView):
    """GET: what the ZIP holds; POST: the ZIP, written to a temporary file and streamed,
    or for a colleague with more than KB_DATA_EXPORT_QUEUE_THRESHOLD reflections, a job."""

    template_name = "accounts/data_export.html"

    def post(self, request, *args, **kwargs):
        allowed = throttle_hit(
            scope="data-export",
            key=str(request.user.pk),
            limit=settings.KB_DATA_EXPORTS_PER_HOUR,
            seconds=HOUR,
        )
        if not allowed:
            messages.error(request, _("一小时内导出次数过多\uff0c请稍后再试。"))
            return redirect("data_export")
        written = Reflection.objects.filter(author=request.user).count()
        if export_is_large(written, setting="KB_DATA_EXPORT_QUEUE_THRESHOLD"):
            # Seconds of work: the task queue builds it; the job's page shows progress.
            job = export_job_start(owner=request.user, kind=ExportJob.Kind.DATA_ZIP, params={})
            return redirect(job)
        # Deleted when closed: FileResponse closes it once the last chunk is sent.
        archive = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            data_export_write(user=request.user, file=archive)
        except BaseException:
            archive.close()
            raise
        archive.seek(0)
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=data_export_filename(),
            content_type="application/zip",
        )
        response["Cache-Control"] = "no-store, private"
        return response
