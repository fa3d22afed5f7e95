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
