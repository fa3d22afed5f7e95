"""A colleague's rights over their data: download all of it, or delete the account.

Both are POST forms with CSRF. The download needs no password again (it only
shows a signed-in colleague what the site already shows them) but is throttled;
deleting needs the password, and wrong tries are throttled too.
"""

import contextlib
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from experiences.accounts.data_export import data_export_write
from experiences.accounts.deletion import AccountAlreadyDeleted, account_delete
from experiences.accounts.forms import AccountDeleteForm, form_refuse
from experiences.accounts.jobs import data_export_filename
from experiences.core.client import throttle_hit
from experiences.exports.models import ExportJob
from experiences.exports.services import export_is_large, export_job_start
from experiences.reflections.models import Reflection

HOUR = 3600


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


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Leaving: the password again, a choice about the published reflections, then logout."""

    template_name = "accounts/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        allowed = throttle_hit(
            scope="account-delete",
            key=str(request.user.pk),
            limit=settings.KB_ACCOUNT_DELETE_TRIES_PER_HOUR,
            seconds=HOUR,
        )
        if not allowed:
            form = form_refuse(
                form=self.form_class(
                    user=request.user, initial={"reflections": request.POST.get("reflections")}
                ),
                message=_("尝试次数过多\uff0c请一小时后再试。"),
            )
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # A double submit: the other request deleted it first; the outcome is the same.
        with contextlib.suppress(AccountAlreadyDeleted):
            account_delete(user=self.request.user, keep_reflections=form.keep_reflections)
        logout(self.request)
        messages.success(self.request, _("你的账号已注销。"))
        return redirect("experiences:home")
