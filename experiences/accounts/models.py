"""The colleague: Django's user with the profile fields shown on their public page.

A deleted account (accounts.deletion) leaves a *tombstone*: a new, inactive
user row named by a random pseudonym ("已注销用户#3f9a1c2b"), without password,
e-mail or profile, that holds whatever must outlive the person (published
reflections they chose to keep, the moderation log and revision history of what
they did as a moderator or editor). Everywhere it is shown as 已注销用户, with
no link; administrators see the pseudonym and the role it held.
"""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DELETED_NAME = _("已注销用户")


class UserManager(DjangoUserManager["User"]):
    """Django's, by this name since migration 0019. A user's writes call their effects
    in the open (accounts/services.py), an UPDATE of users too."""


class User(AbstractUser):
    """A colleague. The profile fields are optional and shown on their public page."""

    objects: ClassVar[UserManager] = UserManager()

    display_name = models.CharField(_("显示名"), max_length=50, blank=True)
    unit = models.CharField(_("单位/乡镇"), max_length=100, blank=True)
    # The unit in the tree (study topics, reports); ``unit`` above stays the free-text label.
    org_unit = models.ForeignKey(
        "experiences.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属单位"),
    )
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    years_of_service = models.PositiveSmallIntegerField(
        _("工作年限"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    # When the colleague agreed to the privacy policy at sign-up; null for
    # accounts made before the policy existed (or by an administrator).
    privacy_consented_at = models.DateTimeField(
        _("同意隐私政策的时间"), null=True, blank=True, editable=False
    )

    # Mail for notifications (approved, rejected, replies); off from the profile
    # form or the unsubscribe link in every such mail.
    email_notifications = models.BooleanField(
        _("接收邮件通知"),
        default=True,
        help_text=_("心得通过审核、被驳回或收到回复时发邮件告诉你\uff08需填写邮箱\uff09。"),
    )
    # Set on a deleted account's tombstone only (accounts.deletion).
    deleted_at = models.DateTimeField(_("注销时间"), null=True, blank=True, editable=False)
    # The roles the person held (版主、编辑、管理员), so their actions stay attributable.
    deleted_roles = models.CharField(_("注销前的角色"), max_length=100, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        # django-stubs types AbstractUser.Meta's names as str; Django's own are lazy too.
        verbose_name = _("用户")  # type: ignore[assignment]
        verbose_name_plural = _("用户")  # type: ignore[assignment]
        constraints = [
            # People read "RaceX" and "racex" as one name: the sign-up form refuses the
            # second, and this index refuses it when two sign-ups race past the form.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_lower_unique",
                violation_error_message=_("这个用户名已被使用。"),
            ),
        ]

    def __str__(self):
        if self.deleted_at is not None:
            return str(DELETED_NAME)
        return self.display_name or self.username

    def get_absolute_url(self):
        if self.deleted_at is not None:
            return ""
        return reverse("experiences:user_detail", kwargs={"username": self.username})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def pseudonym(self) -> str:
        """For administrators: the tombstone's pseudonym and former roles, else the name."""
        if self.deleted_at is None:
            return str(self)
        if self.deleted_roles:
            return f"{self.username}\uff08{self.deleted_roles}\uff09"
        return self.username
