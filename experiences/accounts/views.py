"""Accounts: a public page, sign-up, the privacy policy, the profile, a throttled password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import PasswordChangeView, PasswordResetView
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import CreateView, TemplateView, UpdateView

from experiences.accounts.checks import USERNAME_TAKEN_MESSAGE
from experiences.accounts.forms import ProfileForm, SignupForm, form_refuse
from experiences.accounts.services import user_save
from experiences.core.client import client_ip, throttle_hit
from experiences.core.site import site_domain, site_scheme

HOUR = 3600


class PrivacyPolicyView(TemplateView):
    """The 隐私政策: what the site keeps about a colleague, and why."""

    template_name = "accounts/privacy.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "ip_retention_days": settings.KB_IP_RETENTION_DAYS,
        }


class SignupView(CreateView):
    """Sign-up, with at most a few new accounts per client address an hour.

    Only a sign-up that would create an account counts: a colleague correcting
    a typo is not held back, a script minting accounts is. Over the limit the
    form comes back (429) with everything typed and a Chinese message.
    """

    form_class = SignupForm
    template_name = "accounts/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("experiences:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        allowed = throttle_hit(
            scope="signup-client",
            key=client_ip(self.request),
            limit=settings.KB_SIGNUPS_PER_ADDRESS_PER_HOUR,
            seconds=HOUR,
        )
        if not allowed:
            form.add_error(None, _("这个网络地址注册的账号过多\uff0c请一小时后再试。"))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Another sign-up took the name (in any case) after the form's check:
            # the database's unique index refused it; say so like the form does.
            form.add_error("username", USERNAME_TAKEN_MESSAGE)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("注册成功\uff0c欢迎\uff01"))
        next_url = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return redirect(next_url)
        return redirect("experiences:home")


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset, with at most a few mails per address and per client an hour.

    Over the limit no mail goes out, but the answer is the same "mail sent"
    page: it tells neither whether the address exists nor that it is throttled.
    The link in the mail is built on SITE_URL: Django would take the request's
    Host header, letting a client mail a victim a reset link to another site.
    """

    @property
    def domain_override(self):
        return site_domain()

    @property
    def extra_email_context(self):
        # Applied after Django's own context: the protocol too, not request.is_secure().
        return {"domain": site_domain(), "protocol": site_scheme()}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        per_address = throttle_hit(
            scope="password-reset-address",
            key=email,
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            seconds=3600,
        )
        per_client = throttle_hit(
            scope="password-reset-client",
            key=client_ip(self.request),
            limit=settings.PASSWORD_RESETS_PER_CLIENT,
            seconds=3600,
        )
        if per_address and per_client:
            return super().form_valid(form)
        return redirect(self.get_success_url())


class PasswordTriesMixin:
    """A form that asks for the current password, with a few tries per colleague an hour.

    The password is asked for so that a borrowed or stolen session cannot take the
    account over; without a limit that question could be guessed at without end.
    Every submission counts (a right guess must not slip through once the limit is
    reached); over it, the form comes back with a Chinese message and the password
    is not checked (form_refuse).
    """

    tries_scope: str
    tries_setting: str  # the name of the setting holding the tries an hour
    tries_refused_status = 200

    def refused_form(self):
        """The form shown again, unbound: what the colleague chose, never the password."""
        return self.get_form_class()(user=self.request.user)

    def post(self, request, *args, **kwargs):
        allowed = throttle_hit(
            scope=self.tries_scope,
            key=str(request.user.pk),
            limit=getattr(settings, self.tries_setting),
            seconds=HOUR,
        )
        if allowed:
            return super().post(request, *args, **kwargs)
        form = form_refuse(
            form=self.refused_form(), message=_("尝试次数过多\uff0c请一小时后再试。")
        )
        response = self.form_invalid(form)
        response.status_code = self.tries_refused_status
        return response


class ThrottledPasswordChangeView(PasswordTriesMixin, PasswordChangeView):
    """Django's password change, with a few tries per colleague an hour, as deletion has;
    over the limit the form comes back with 429."""

    tries_scope = "password-change"
    tries_setting = "KB_PASSWORD_CHANGE_TRIES_PER_HOUR"
    tries_refused_status = 429


class ProfileUpdateView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile_form.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        # The form set the fields on the user; the service stores them with their effects.
        self.object = user_save(user=form.instance)
        messages.success(self.request, _("个人资料已保存。"))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.request.user.get_absolute_url()
