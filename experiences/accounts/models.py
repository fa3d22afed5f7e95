"""The colleague: Django's user with the profile fields shown on their public page."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A colleague. The profile fields are optional and shown on their public page."""

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

    class Meta(AbstractUser.Meta):
        # django-stubs types AbstractUser.Meta's names as str; Django's own are lazy too.
        verbose_name = _("用户")  # type: ignore[assignment]
        verbose_name_plural = _("用户")  # type: ignore[assignment]

    def __str__(self):
        return self.display_name or self.username

    def get_absolute_url(self):
        return reverse("experiences:user_detail", kwargs={"username": self.username})
