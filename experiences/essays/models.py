"""The content model: essays (心得体会) split into principle pairs (原则).

An essay of the genre reads "干工作既要“X”\uff0c更要“Y”" several times; each such
pair is a :class:`Principle` with its own paragraphs and quotations. The
essay keeps the text before the first principle (``opening``) and after the
last (``closing``), its related reading (查看更多) and the repairs the importer
made to the received text, so the whole essay can be rebuilt faithfully.
"""

from typing import Self

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager


def paragraphs_split(text: str) -> list[str]:
    """Paragraphs are stored one per line; blank lines carry no meaning."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Who may read a draft on the site (under its 草稿 banner): those who edit essays.
EDIT_ESSAYS_PERMISSION = "experiences.change_essay"


def user_can_preview_drafts(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm(EDIT_ESSAYS_PERMISSION)  # type: ignore[attr-defined]
    )


class EssayQuerySet(models.QuerySet["Essay"]):
    def published(self) -> Self:
        return self.filter(status=Essay.Status.PUBLISHED)

    def readable_by(self, user: object) -> Self:
        """Published essays; drafts too for editors, who preview them before publishing."""
        return self.all() if user_can_preview_drafts(user) else self.published()


class Essay(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("标题"), max_length=200)
    slug = models.SlugField(_("网址标识"), max_length=200, unique=True, allow_unicode=True)
    author_line = models.CharField(_("作者"), max_length=300, blank=True)
    opening = models.TextField(_("开篇"), blank=True, help_text=_("每行一段。"))
    closing = models.TextField(_("结语"), blank=True, help_text=_("每行一段。"))
    source_text = models.TextField(
        _("原文"), blank=True, help_text=_("导入时收到的原文\uff0c一字不改。")
    )
    notes = models.TextField(
        _("编者按与作者简介"),
        blank=True,
        help_text=_("原文里的编者按、作者简介等\uff0c不属于开篇和原则\uff1b每行一条。"),
    )
    unplaced_text = models.TextField(
        _("未归位文字"), blank=True, help_text=_("导入时无法归入任何部分的文字\uff0c每行一条。")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["source_text"])

    objects = EssayQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        # As editors say it; 心得 beside 心得体会 in the admin read as the same thing.
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="essay_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("experiences:essay_detail", kwargs={"slug": self.slug})

    @property
    def opening_paragraphs(self) -> list[str]:
        return paragraphs_split(self.opening)

    @property
    def closing_paragraphs(self) -> list[str]:
        return paragraphs_split(self.closing)

    @property
    def note_paragraphs(self) -> list[str]:
        return paragraphs_split(self.notes)


class PrincipleQuerySet(models.QuerySet["Principle"]):
    def published(self) -> Self:
        """Principles of published essays: the only ones anyone but editors sees."""
        return self.filter(essay__status=Essay.Status.PUBLISHED)

    def readable_by(self, user: object) -> Self:
        """Principles of published essays; of drafts too for editors (see Essay's)."""
        return self.all() if user_can_preview_drafts(user) else self.published()


class Principle(models.Model):
    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, related_name="principles", verbose_name=_("文章")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    slug = models.SlugField(_("网址标识"), max_length=200, allow_unicode=True)
    heading = models.CharField(
        _("原文标题句"),
        max_length=300,
        help_text=_("原文中的标题句\uff0c如 干工作既要“人情世故”\uff0c更要“坚定原则”。"),
    )
    opener = models.CharField(
        _("起首词"),
        max_length=8,
        default="既要",
        blank=True,
        help_text=_(
            "作者引出前一半所用的词\uff0c照原文保留\uff1a既要、不仅要、要、多……"
            "\u201c留痕\u201d不如\u201c留心\u201d这样的标题没有起首词。"
        ),
    )
    baseline = models.CharField(_("既要"), max_length=100)
    connective = models.CharField(
        _("连接词"),
        max_length=8,
        default="更要",
        help_text=_(
            "作者连接两半所用的词\uff0c照原文保留\uff1a更要、也要、还要、又要、不要\uff0c"
            "或少、轻、不如这样的对照。"
        ),
    )
    emphasis = models.CharField(_("更要"), max_length=100)
    body = models.TextField(_("正文"), blank=True, help_text=_("每行一段。"))
    tags = TaggableManager(_("标签"), blank=True)
    history = HistoricalRecords()

    objects = PrincipleQuerySet.as_manager()

    class Meta:
        ordering = ["essay_id", "position"]
        verbose_name = _("原则")
        verbose_name_plural = _("原则")
        constraints = [
            models.UniqueConstraint(fields=["essay", "position"], name="principle_unique_position"),
            models.UniqueConstraint(fields=["essay", "slug"], name="principle_unique_slug"),
            models.CheckConstraint(condition=~Q(baseline=""), name="principle_baseline_not_empty"),
            models.CheckConstraint(condition=~Q(emphasis=""), name="principle_emphasis_not_empty"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="principle_position_positive"
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse(
            "experiences:principle_detail",
            kwargs={"essay_slug": self.essay.slug, "slug": self.slug},
        )

    def clean(self):
        # Mirrors the CheckConstraints so the admin shows a message, not an IntegrityError.
        from django.core.exceptions import ValidationError

        self.baseline = self.baseline.strip()
        self.emphasis = self.emphasis.strip()
        errors = {}
        if not self.baseline:
            errors["baseline"] = _("“既要”不能为空。")
        if not self.emphasis:
            errors["emphasis"] = _("“更要”不能为空。")
        if errors:
            raise ValidationError(errors)

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs_split(self.body)

    @property
    def is_emphatic(self) -> bool:
        """更要 puts the second half above the first; 又要/也要/还要 set them side by side."""
        return self.connective == "更要"

    @property
    def label(self) -> str:
        """The pair as one line, wherever a principle is named (lists, search, exports),
        in the author's own words: 既要「X」\uff0c更要「Y」, 要「X」\uff0c不要「Y」."""
        return f"{self.opener}「{self.baseline}」\uff0c{self.connective}「{self.emphasis}」"


class Quotation(models.Model):
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="quotations", verbose_name=_("原则")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("引语"))
    source = models.CharField(
        _("出处"), max_length=100, help_text=_("说这句话的人\uff0c或“俗语”。")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["principle_id", "position"]
        verbose_name = _("引语")
        verbose_name_plural = _("引语")
        constraints = [
            models.UniqueConstraint(
                fields=["principle", "position"], name="quotation_unique_position"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="quotation_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.source}:{self.text}"


class RelatedReading(models.Model):
    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, related_name="related_readings", verbose_name=_("文章")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    excerpt = models.TextField(_("摘要"), blank=True)

    class Meta:
        ordering = ["essay_id", "position"]
        verbose_name = _("延伸阅读")
        verbose_name_plural = _("延伸阅读")
        constraints = [
            models.UniqueConstraint(
                fields=["essay", "position"], name="related_reading_unique_position"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="related_reading_title_not_empty"),
        ]

    def __str__(self):
        return self.title


class Repair(models.Model):
    """A change the importer made to damaged source text, kept for editors to review."""

    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, related_name="repairs", verbose_name=_("文章")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    before = models.TextField(_("原文"))
    after = models.TextField(_("修复后"))
    description = models.CharField(_("说明"), max_length=200)

    class Meta:
        ordering = ["essay_id", "position"]
        verbose_name = _("修复")
        verbose_name_plural = _("修复")
        constraints = [
            models.UniqueConstraint(fields=["essay", "position"], name="repair_unique_position"),
        ]

    def __str__(self):
        return self.description
