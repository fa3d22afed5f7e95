"""收藏 (a bookmark on a principle or a reflection) and 已学 (a principle read to its end).

Both are a colleague's own, never shown to anyone else and never on anonymous
pages: their services move only the reader's viewer state (``viewer_state_changed``),
never the content version.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experiences.essays.models import Principle
from experiences.reflections.models import Reflection


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bookmarks",
        verbose_name=_("用户"),
    )
    principle = models.ForeignKey(
        Principle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("原则"),
    )
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("心得"),
    )
    created_at = models.DateTimeField(_("收藏时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [
            models.CheckConstraint(
                condition=Q(principle__isnull=False, reflection__isnull=True)
                | Q(principle__isnull=True, reflection__isnull=False),
                name="bookmark_one_item",
            ),
            models.UniqueConstraint(
                fields=["user", "principle"],
                condition=Q(principle__isnull=False),
                name="bookmark_principle_once",
            ),
            models.UniqueConstraint(
                fields=["user", "reflection"],
                condition=Q(reflection__isnull=False),
                name="bookmark_reflection_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_user_newest")]

    def __str__(self):
        return f"{self.user_id} → {self.principle_id or self.reflection_id}"

    def clean(self):
        # Mirrors bookmark_one_item, for the admin.
        from django.core.exceptions import ValidationError

        if (self.principle_id is None) == (self.reflection_id is None):
            raise ValidationError(_("收藏的必须是一条原则或一条心得\uff0c且只能是其一。"))

    @property
    def item(self) -> Principle | Reflection:
        return self.principle if self.principle_id else self.reflection  # type: ignore[return-value]


class PrincipleRead(models.Model):
    """已学: the colleague read this principle to its end (or said so with the button)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="principles_read",
        verbose_name=_("用户"),
    )
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="+", verbose_name=_("原则")
    )
    read_at = models.DateTimeField(_("学完时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已学记录")
        verbose_name_plural = _("已学记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "principle"], name="principle_read_once"),
        ]

    def __str__(self):
        return f"{self.user_id} ✓ {self.principle_id}"
