"""An export job's page (正在生成 with progress, then the download) and its download.

Only the owner sees either; anyone else gets a 404 that reveals nothing. The page
refreshes itself with a <meta> refresh while the job runs: no JavaScript needed.
"""

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from experiences.exports.models import ExportJob

REFRESH_SECONDS = 3


def _own_job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, owner=request.user)


class ExportJobView(LoginRequiredMixin, TemplateView):
    template_name = "exports/export_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = _own_job(self.request, kwargs["pk"])
        context.update(job=job, refresh=REFRESH_SECONDS if job.is_working else None)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store, private"
        return response


class ExportJobDownloadView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        job = get_object_or_404(ExportJob, pk=kwargs["pk"], owner=request.user)
        if job.status != ExportJob.Status.DONE or job.is_expired or job.content is None:
            raise Http404
        response = HttpResponse(bytes(job.content), content_type=job.content_type)
        ascii_name = f"export-{job.pk}.{job.filename.rpartition('.')[2]}"
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.filename)}"
        )
        response["Cache-Control"] = "no-store, private"
        return response
