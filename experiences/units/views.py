"""Enrolment pages: an organiser uploads a roster, previews, confirms and prints the 账号通知单;
a new colleague opens their one-time link for the first sign-in.

The organiser pages answer 404 to anyone without a scope (experiences.units.scope):
only superusers, whole-tree viewers and 组织员 with a unit reach them, and each
shows and changes the viewer's own subtree only.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from experiences.units.enrolment import roster_import, roster_preview
from experiences.units.forms import FirstSignInForm, RosterUploadForm
from experiences.units.models import RosterBatch
from experiences.units.roster import roster_parse, rows_dump, rows_load
from experiences.units.scope import scope_q, viewer_scope
from experiences.units.services import UnitImportError
from experiences.units.signin import (
    enrolments_pending,
    first_sign_in_complete,
    signin_link_check,
    signin_link_expires,
    signin_link_issue,
)
from experiences.units.slips import slips_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROSTER_SALT = "experiences.units.roster-preview"
ROSTER_MAX_AGE = 3600  # seconds between the preview and its confirmation
PENDING_PER_PAGE = 100


class OrganiserMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = viewer_scope(request.user)
        if self.scope == []:
            raise Http404
        self.prepare(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, **kwargs) -> None:
        """Load what the page is about (after the scope check); 404 when out of scope."""


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class RosterUploadView(OrganiserMixin, View):
    """Upload → the preview (new, matched, errors per row) with a 确认导入 button."""

    template_name = "units/roster_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": RosterUploadForm()})

    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES)
        context: dict = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = roster_parse(filename=upload.name, data=upload.read())
            except UnitImportError as error:
                form.add_error("file", str(error))
            else:
                preview = roster_preview(rows=rows, scope=self.scope)
                # The parsed rows travel signed to the confirmation: nothing to store meanwhile.
                token = signing.dumps(
                    {"user": request.user.pk, "file": upload.name[:200], "rows": rows_dump(rows)},
                    salt=ROSTER_SALT,
                    compress=True,
                )
                context.update(preview=preview, token=token, filename=upload.name)
        return render(request, self.template_name, context)


class RosterConfirmView(OrganiserMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            payload = signing.loads(
                request.POST.get("token", ""), salt=ROSTER_SALT, max_age=ROSTER_MAX_AGE
            )
        except signing.BadSignature:
            payload = None
        if not payload or payload.get("user") != request.user.pk:
            messages.error(request, _("预览已过期\uff0c请重新上传花名册。"))
            return redirect("experiences:roster_upload")
        preview, batch = roster_import(
            rows=rows_load(payload["rows"]),
            scope=self.scope,
            enrolled_by=request.user,
            filename=payload.get("file", ""),
        )
        if batch is None:
            messages.error(request, _("花名册有错误\uff0c没有导入任何人\uff1b请改正后重新上传。"))
            context = {"form": RosterUploadForm(), "preview": preview}
            return render(request, "units/roster_upload.html", context)
        messages.success(
            request,
            _("导入完成\uff1a新建 %(new)d 个账号\uff0c%(matched)d 人已有账号。")
            % {"new": preview.new_count, "matched": preview.matched_count},
        )
        return redirect("experiences:roster_batch", pk=batch.pk)


class BatchMixin(OrganiserMixin):
    request: HttpRequest

    def prepare(self, **kwargs) -> None:
        self.batch = get_object_or_404(RosterBatch, pk=kwargs["pk"])
        # The viewer's part of the batch: what a wider organiser enrolled in their subtree.
        self.enrolments = (
            self.batch.enrolments.filter(scope_q(self.scope, "user__org_unit__"))
            .select_related("user", "user__org_unit")
            .order_by("user__org_unit__path", "pk")
        )
        if self.batch.created_by_id != self.request.user.pk and not self.enrolments.exists():
            raise Http404


class RosterBatchView(BatchMixin, View):
    def get(self, request, pk):
        enrolments = list(self.enrolments)
        for enrolment in enrolments:
            enrolment.expires = signin_link_expires(enrolment=enrolment)
        return render(
            request,
            "units/roster_batch.html",
            {"batch": self.batch, "enrolments": enrolments},
        )


class RosterSlipsView(BatchMixin, View):
    def get(self, request, pk):
        pending = self.enrolments.filter(signed_in_at__isnull=True)
        return _docx(slips_docx(enrolments=pending), f"roster-{self.batch.pk}-slips.docx")


class EnrolmentListView(OrganiserMixin, View):
    """Colleagues enrolled in the viewer's subtree who have not signed in yet."""

    def get(self, request):
        page = Paginator(enrolments_pending(scope=self.scope), PENDING_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for enrolment in page:
            enrolment.expires = signin_link_expires(enrolment=enrolment)
        return render(
            request,
            "units/enrolment_list.html",
            {"page": page, "link_days": settings.KB_ENROLMENT_LINK_DAYS},
        )


class EnrolmentMixin(OrganiserMixin):
    def enrolment(self, user_id: int):
        return get_object_or_404(enrolments_pending(scope=self.scope), user_id=user_id)


class EnrolmentReissueView(EnrolmentMixin, View):
    """重新生成登录链接: every earlier link (printed or not) stops working."""

    http_method_names = ["post"]

    def post(self, request, user_id):
        enrolment = signin_link_issue(enrolment=self.enrolment(user_id))
        messages.success(
            request,
            _("已为 %(name)s 重新生成登录链接\uff0c原来的链接已失效\uff1b请下载新的账号通知单。")
            % {"name": enrolment.full_name},
        )
        return redirect("experiences:enrolment_list")


class EnrolmentSlipView(EnrolmentMixin, View):
    def get(self, request, user_id):
        enrolment = self.enrolment(user_id)
        return _docx(slips_docx(enrolments=[enrolment]), f"slip-{user_id}.docx")


class FirstSignInView(View):
    """The link on a 账号通知单: set one's own password, consent, and be signed in."""

    template_name = "units/first_sign_in.html"

    def dispatch(self, request, *args, **kwargs):
        self.enrolment = signin_link_check(uidb36=kwargs["uidb36"], token=kwargs["token"])
        if self.enrolment is None:
            return render(request, self.template_name, {"validlink": False}, status=410)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, uidb36, token):
        form = FirstSignInForm(user=self.enrolment.user)
        return self.show(request, form)

    def post(self, request, uidb36, token):
        form = FirstSignInForm(user=self.enrolment.user, data=request.POST)
        if not form.is_valid():
            return self.show(request, form)
        user = first_sign_in_complete(
            enrolment=self.enrolment, password=form.cleaned_data["new_password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("密码已设置\uff0c欢迎\uff01以后请用用户名和新密码登录。"))
        return redirect("experiences:home")

    def show(self, request, form):
        return render(
            request,
            self.template_name,
            {"validlink": True, "form": form, "enrolment": self.enrolment},
        )
