"""The unit tree (单位): 县 → 乡镇 → 村/社区, or 机关 → 科室.

Stored as a materialised path (django-treebeard's MP_Node): a unit's subtree
is one ``path LIKE 'prefix%'`` on both SQLite and PostgreSQL, so reports roll
counts up the tree without one query per level.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

NAME_MAX_LENGTH = 100
CODE_MAX_LENGTH = 50
# Seeing every unit's figures (reports, rosters, exports, dashboard, admin lists):
# superusers, and whoever is granted this. Being staff is not enough.
WHOLE_TREE_PERMISSION = "experiences.view_all_units"


class Unit(MP_Node):
    """One unit; its children are the units directly under it."""

    name = models.CharField(_("名称"), max_length=NAME_MAX_LENGTH)
    code = models.CharField(
        _("编码"),
        max_length=CODE_MAX_LENGTH,
        blank=True,
        help_text=_("可选\uff1b填写时全站唯一\uff0c导入时用来识别同名单位。"),
    )

    node_order_by = ["name"]

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        permissions = [("view_all_units", _("可以查看全部单位的学习情况"))]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="unit_code_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.name.strip():
            raise ValidationError({"name": _("请填写单位名称。")})
        if self.code and Unit.objects.filter(code=self.code).exclude(pk=self.pk).exists():
            raise ValidationError({"code": _("这个编码已被其他单位使用。")})

    @property
    def indented_name(self) -> str:
        """The name indented by depth, for flat lists of the tree (admin, selects)."""
        return "\u3000" * (self.depth - 1) + self.name

    def is_within(self, other: "Unit") -> bool:
        """Whether this unit is ``other`` or somewhere under it."""
        return self.path.startswith(other.path)


class RosterBatch(models.Model):
    """One confirmed roster upload: the colleagues it enrolled get their 账号通知单 together."""

    created_by = models.ForeignKey(
        "experiences.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")

    def __str__(self):
        return f"{self.filename or self.pk}"


class Enrolment(models.Model):
    """How a colleague was put on the site by an organiser, and their first sign-in link.

    The link's token is never stored: it is derived (an HMAC) from the user's
    current password hash and ``link_issued_at``, so setting a password or
    issuing a new link makes every earlier link worthless.
    """

    user = models.OneToOneField(
        "experiences.User",
        on_delete=models.CASCADE,
        related_name="enrolment",
        verbose_name=_("用户"),
    )
    batch = models.ForeignKey(
        RosterBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("花名册导入"),
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    staff_number = models.CharField(_("工号"), max_length=50, blank=True, db_index=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    link_issued_at = models.DateTimeField(_("登录链接生成时间"))
    signed_in_at = models.DateTimeField(_("首次登录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("花名册成员")
        verbose_name_plural = _("花名册成员")

    def __str__(self):
        return self.full_name
