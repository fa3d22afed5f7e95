"""Leaving: deleting one's account, a POST form with CSRF that needs the password
again, wrong tries throttled. Downloading all of one's data is exports/data_zip.py.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from experiences.accounts.deletion import AccountAlreadyDeleted, account_delete
from experiences.accounts.forms import AccountDeleteForm
from experiences.accounts.views import PasswordTriesMixin


class AccountDeleteView(LoginRequiredMixin, PasswordTriesMixin, FormView):
    """Leaving: the password again, a choice about the published reflections, then logout."""

    template_name = "accounts/account_delete.html"
    form_class = AccountDeleteForm
    tries_scope = "account-delete"
    tries_setting = "KB_ACCOUNT_DELETE_TRIES_PER_HOUR"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def refused_form(self):
        # The choice about the reflections is kept; the password is never sent back.
        return self.form_class(
            user=self.request.user, initial={"reflections": self.request.POST.get("reflections")}
        )

    def form_valid(self, form):
        # A double submit: the other request deleted it first; the outcome is the same.
        with contextlib.suppress(AccountAlreadyDeleted):
            account_delete(user=self.request.user, keep_reflections=form.keep_reflections)
        logout(self.request)
        messages.success(self.request, _("你的账号已注销。"))
        return redirect("experiences:home")
