"""Looking up the arguments of grant_role and revoke_role, with Chinese errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from experiences.units.models import Unit

if TYPE_CHECKING:
    from experiences.accounts.models import User


def user_find(username: str) -> User:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到用户 {username}\u3002")
    return user


def actor_find(username: str | None) -> User | None:
    return user_find(username) if username else None


def unit_find(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).exclude(code="").first()
    if unit is None:
        raise CommandError(f"找不到编码为 {code} 的单位\u3002")
    return unit
