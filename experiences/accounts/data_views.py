"""Leaving: deleting one's account, a POST form with CSRF that needs the password
again, wrong tries throttled. Downloading all of one's data is exports/data_zip.py.
"""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from experiences.accounts.deletion import AccountAlreadyDeleted, account_delete
from experiences.accounts.forms import AccountDeleteForm, form_refuse
from experiences.core.client import throttle_hit

HOUR = 3600


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
