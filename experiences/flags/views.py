"""举报: the form for a reflection or a reply, and 我的举报 with each flag's outcome.

Only signed-in readers flag, only items everyone can see, never their own, and at
most KB_FLAGS_PER_HOUR times an hour per account and KB_FLAGS_PER_ADDRESS_PER_HOUR
per client address (counted in the shared cache, so every app server counts together).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from experiences.core.client import client_ip, throttle_hit
from experiences.core.web import ForgivingPaginationMixin
from experiences.flags.forms import FlagForm
from experiences.flags.models import Flag
from experiences.flags.services import FlagClosed, OwnFlagRefused, flag_create
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply

HOUR = 3600


class FlagCreateMixin(LoginRequiredMixin, FormView):
    form_class = FlagForm
    template_name = "flags/flag_form.html"

    def item_queryset(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.item = get_object_or_404(self.item_queryset(), pk=kwargs["pk"])
        if self.item.author_id == request.user.pk:
            messages.error(request, _("不能举报自己发表的内容。"))
            return redirect(self.item.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def _within_limits(self) -> bool:
        # Both counters count every attempt, so neither is skipped by failing the other.
        per_account = throttle_hit(
            scope="flag-account",
            key=str(self.request.user.pk),
            limit=settings.KB_FLAGS_PER_HOUR,
            seconds=HOUR,
        )
        per_address = throttle_hit(
            scope="flag-address",
            key=client_ip(self.request),
            limit=settings.KB_FLAGS_PER_ADDRESS_PER_HOUR,
            seconds=HOUR,
        )
        return per_account and per_address

    def form_valid(self, form):
        if not self._within_limits():
            form.add_error(
                None, _("一小时内举报次数过多\uff0c请稍后再试。紧急情况请直接联系版主。")
            )
            response = self.form_invalid(form)  # what was typed stays in the form
            response.status_code = 429
            return response
        try:
            _flag, created = flag_create(
                reporter=self.request.user,
                item=self.item,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except OwnFlagRefused:
            messages.error(self.request, _("不能举报自己发表的内容。"))
            return redirect(self.item.get_absolute_url())
        except FlagClosed:
            messages.error(self.request, _("这条内容目前不能举报。"))
            return redirect("experiences:flag_list")
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if created:
            messages.success(
                self.request, _("举报已收到\uff0c版主会尽快处理。处理结果可在“我的举报”查看。")
            )
        else:
            messages.info(self.request, _("你已经举报过这条内容了。"))
        # Back where the reader was reading; the message links 我的举报 for the outcome.
        return redirect(self.item.get_absolute_url())


class ReflectionFlagView(FlagCreateMixin):
    def item_queryset(self):
        return Reflection.objects.published()


class ReplyFlagView(FlagCreateMixin):
    def item_queryset(self):
        # Under a public reflection only: a hidden thread is not shown through its form.
        return (
            Reply.objects.published()
            .filter(reflection__in=Reflection.objects.published())
            .select_related("reflection", "author")
        )


class FlagListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """我的举报: what the reader flagged and what became of it."""

    template_name = "flags/flag_list.html"
    context_object_name = "flags"
    paginate_by = 20

    def get_queryset(self):
        return Flag.objects.filter(reporter=self.request.user).select_related(
            "reflection", "reply__reflection"
        )
