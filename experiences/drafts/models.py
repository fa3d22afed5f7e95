"""A draft (草稿) of a reflection: one per person and principle (or one general draft).

Kept apart from ``Reflection`` because a draft obeys none of its rules: it may be
empty of a body, too long, never moderated and never shown to anyone but its author.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from experiences.core.limits import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from experiences.essays.models import Principle

# A draft keeps what is too long to post (so nothing typed is lost) up to a bound
# that still keeps one person from filling the database.
DRAFT_BODY_MAX_LENGTH = BODY_MAX_LENGTH * 4
DRAFT_TITLE_MAX_LENGTH = TITLE_MAX_LENGTH * 10
DRAFT_TAGS_MAX_LENGTH = 1000


class Draft(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="drafts",
        verbose_name=_("作者"),
    )
    principle = models.ForeignKey(
        Principle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("原则"),
        help_text=_("空则为通用心得的草稿。"),
    )
    title = models.TextField(_("标题"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    tags = models.TextField(_("标签"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("草稿")
        verbose_name_plural = _("草稿")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "principle"],
                condition=Q(principle__isnull=False),
                name="draft_once_per_principle",
            ),
            models.UniqueConstraint(
                fields=["author"],
                condition=Q(principle__isnull=True),
                name="draft_once_general",
            ),
            # An empty draft is no draft: the service deletes it instead.
            models.CheckConstraint(
                condition=~Q(title="", body="", tags=""), name="draft_not_empty"
            ),
        ]

    def __str__(self):
        return self.title or self.body[:30]

    def clean(self):
        # Mirrors draft_not_empty, for the admin.
        from django.core.exceptions import ValidationError

        if not (self.title or self.body or self.tags):
            raise ValidationError(_("草稿是空的。"))

    @property
    def resume_url(self) -> str:
        """The writing form with this draft restored."""
        url = reverse("experiences:reflection_create")
        return f"{url}?principle={self.principle_id}" if self.principle_id else url

    def form_initial(self) -> dict[str, object]:
        return {
            "principle": self.principle_id,
            "title": self.title,
            "body": self.body,
            "tags": self.tags,
        }
