"""The first sign-in link of an enrolled colleague: issued, checked, used up.

A new account has no usable password. Its first sign-in link (printed on the
账号通知单) carries a token that is never stored: it is an HMAC of the user's
password hash and ``Enrolment.link_issued_at``, like Django's password reset
tokens, so it stops working once the colleague sets a password, when an
organiser issues a new link, and after ``KB_ENROLMENT_LINK_DAYS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from experiences.core.site import absolute_url
from experiences.units.models import Enrolment
from experiences.units.scope import scope_q

if TYPE_CHECKING:
    from experiences.accounts.models import User

# Named after the module that first issued links: a new salt would void every printed link.
LINK_KEY_SALT = "experiences.units.enrolment.first-sign-in"


def enrolments_pending(*, scope: list[str] | None):
    """Colleagues enrolled in the scope who have not signed in yet (their links can be reissued)."""
    return (
        Enrolment.objects.filter(scope_q(scope, "user__org_unit__"), signed_in_at__isnull=True)
        .select_related("user", "user__org_unit")
        .order_by("user__org_unit__path", "full_name")
    )


def _link_token(enrolment: Enrolment) -> str:
    user = enrolment.user
    issued = int(enrolment.link_issued_at.timestamp() * 1_000_000)
    value = f"{user.pk}|{user.password}|{user.last_login}|{issued}"
    return salted_hmac(LINK_KEY_SALT, value, algorithm="sha256").hexdigest()[:40]


def signin_link_expires(*, enrolment: Enrolment) -> datetime:
    return enrolment.link_issued_at + timedelta(days=settings.KB_ENROLMENT_LINK_DAYS)


def signin_link_url(*, enrolment: Enrolment) -> str:
    """The absolute one-time link printed on the colleague's 账号通知单."""
    path = reverse(
        "experiences:first_sign_in",
        kwargs={"uidb36": int_to_base36(enrolment.user_id), "token": _link_token(enrolment)},
    )
    return absolute_url(path)


def signin_link_check(*, uidb36: str, token: str) -> Enrolment | None:
    """The enrolment a link opens, or None when it is wrong, used, replaced or expired."""
    if len(uidb36) > 13:
        return None
    try:
        user_id = base36_to_int(uidb36)
    except ValueError:
        return None
    enrolment = (
        Enrolment.objects.select_related("user", "user__org_unit").filter(user_id=user_id).first()
    )
    if enrolment is None or enrolment.signed_in_at is not None:
        return None
    user = enrolment.user
    if not user.is_active or user.has_usable_password():
        return None
    if timezone.now() > signin_link_expires(enrolment=enrolment):
        return None
    if not constant_time_compare(token, _link_token(enrolment)):
        return None
    return enrolment


@transaction.atomic
def signin_link_issue(*, enrolment: Enrolment) -> Enrolment:
    """A new link for a colleague who has not signed in; every earlier link stops working."""
    if enrolment.signed_in_at is not None:
        raise ValueError("the colleague has already signed in")
    Enrolment.objects.filter(pk=enrolment.pk).update(link_issued_at=timezone.now())
    enrolment.refresh_from_db(fields=["link_issued_at"])
    return enrolment


@transaction.atomic
def first_sign_in_complete(*, enrolment: Enrolment, password: str) -> User:
    """The colleague's own password and 隐私政策 consent: the link is used up by both."""
    user = enrolment.user
    now = timezone.now()
    user.set_password(password)
    user.privacy_consented_at = now
    user.save(update_fields=["password", "privacy_consented_at"])
    Enrolment.objects.filter(pk=enrolment.pk).update(signed_in_at=now)
    enrolment.signed_in_at = now
    return user
