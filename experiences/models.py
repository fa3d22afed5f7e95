"""The content model: essays (心得体会) split into principle pairs (原则).

An essay of the genre reads "干工作既要“X”,更要“Y”" several times; each such
pair is a :class:`Principle` with its own paragraphs and quotations. The
essay keeps the text before the first principle (``opening``) and after the
last (``closing``), its related reading (查看更多) and the repairs the importer
made to the received text, so the whole essay can be rebuilt faithfully.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager


class User(AbstractUser):
    """A colleague. The profile fields are optional and shown on their public page."""

    display_name = models.CharField(_("显示名"), max_length=50, blank=True)
    unit = models.CharField(_("单位/乡镇"), max_length=100, blank=True)
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    years_of_service = models.PositiveSmallIntegerField(
        _("工作年限"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    def get_absolute_url(self):
        return reverse("experiences:user_detail", kwargs={"username": self.username})


def paragraphs_split(text: str) -> list[str]:
    """Paragraphs are stored one per line; blank lines carry no meaning."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class EssayQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Essay.Status.PUBLISHED)


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
        _("原文"), blank=True, help_text=_("导入时收到的原文,一字不改。")
    )
    unplaced_text = models.TextField(
        _("未归位文字"), blank=True, help_text=_("导入时无法归入任何部分的文字,每行一条。")
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
        verbose_name = _("心得体会")
        verbose_name_plural = _("心得体会")
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


class Principle(models.Model):
    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, related_name="principles", verbose_name=_("心得体会")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    slug = models.SlugField(_("网址标识"), max_length=200, allow_unicode=True)
    heading = models.CharField(
        _("原文标题句"),
        max_length=300,
        help_text=_("原文中的标题句,如 干工作既要“人情世故”,更要“坚定原则”。"),
    )
    baseline = models.CharField(_("既要"), max_length=100)
    emphasis = models.CharField(_("更要"), max_length=100)
    body = models.TextField(_("正文"), blank=True, help_text=_("每行一段。"))
    tags = TaggableManager(_("标签"), blank=True)
    history = HistoricalRecords()

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
        return f"既要「{self.baseline}」,更要「{self.emphasis}」"

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


class Quotation(models.Model):
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="quotations", verbose_name=_("原则")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("引语"))
    source = models.CharField(_("出处"), max_length=100, help_text=_("说这句话的人,或“俗语”。"))
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
        Essay, on_delete=models.CASCADE, related_name="related_readings", verbose_name=_("心得体会")
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
        Essay, on_delete=models.CASCADE, related_name="repairs", verbose_name=_("心得体会")
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


class ReflectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Reflection.Status.PUBLISHED)

    def visible_to(self, user):
        """Published ones, plus the user's own in any state; moderators see everything."""
        if user.is_authenticated and user.has_perm("experiences.moderate_reflection"):
            return self
        if user.is_authenticated:
            return self.filter(Q(status=Reflection.Status.PUBLISHED) | Q(author=user))
        return self.published()

    def for_listing(self, *, viewer=None):
        """Everything a list shows, in a constant number of queries."""
        queryset = self.select_related("author", "principle__essay").prefetch_related("tags")
        if viewer is not None and viewer.is_authenticated:
            queryset = queryset.annotate(
                liked_by_viewer=Exists(Like.objects.filter(reflection=OuterRef("pk"), user=viewer))
            )
        return queryset

    def ordered(self, sort: str):
        """Featured first, then newest, or most 点赞 when ``sort == "likes"``."""
        if sort == "likes":
            return self.order_by("-is_featured", "-like_count", "-created_at", "-pk")
        return self.order_by("-is_featured", "-created_at", "-pk")


class Reflection(models.Model):
    """A colleague's own 心得, usually on one principle."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        REJECTED = "rejected", _("已驳回")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflections",
        verbose_name=_("作者"),
    )
    principle = models.ForeignKey(
        Principle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("原则"),
        help_text=_("不选则为通用心得。"),
    )
    title = models.CharField(_("标题"), max_length=100, blank=True)
    body = models.TextField(_("正文"), help_text=_("支持 Markdown 的安全子集。"))
    body_html = models.TextField(_("正文 HTML"), editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    is_featured = models.BooleanField(_("精选"), default=False)
    # Kept equal to the number of Like rows by reflections.like_set, in the same
    # transaction: sorting and counting 点赞 then reads one column, not a GROUP BY.
    like_count = models.PositiveIntegerField(_("点赞数"), default=0, editable=False)
    # One token per rendered form: a double-clicked submit cannot store twice.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    tags = TaggableManager(_("标签"), blank=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("心得")
        verbose_name_plural = _("心得")
        permissions = [("moderate_reflection", _("可以审核心得"))]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="reflection_unique_submission"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="reflection_body_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected"]),
                name="reflection_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-is_featured", "-created_at", "-id"], name="reflection_newest"
            ),
            models.Index(
                fields=["status", "-is_featured", "-like_count", "-created_at", "-id"],
                name="reflection_most_liked",
            ),
        ]

    def __str__(self):
        return self.title or self.body[:30]

    def get_absolute_url(self):
        return reverse("experiences:reflection_detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or _("无题心得")

    @property
    def excerpt(self) -> str:
        """The card's plain-text preview of the body; autoescaped in templates, never |safe."""
        from .markdown import text_excerpt  # here, so loading models does not load the renderer

        return text_excerpt(self.body_html)


class Like(models.Model):
    """点赞: one per user per reflection."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="likes",
        verbose_name=_("用户"),
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="likes", verbose_name=_("心得")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("点赞")
        verbose_name_plural = _("点赞")
        constraints = [
            models.UniqueConstraint(fields=["user", "reflection"], name="like_once_per_user"),
        ]

    def __str__(self):
        return f"{self.user} → {self.reflection_id}"


class PostingRecord(models.Model):
    """One row per reflection created, kept when the reflection is deleted.

    The hourly posting limit counts these rather than surviving reflections, so
    deleting a reflection does not free a slot; rows older than the window are
    pruned as new ones are written.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("作者"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发布记录")
        verbose_name_plural = _("发布记录")
        indexes = [models.Index(fields=["author", "created_at"], name="posting_author_time")]

    def __str__(self):
        return f"{self.author_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class SearchDocument(models.Model):
    """One searchable thing, with its text already segmented into words by jieba.

    Chinese has no spaces, so a database's own text search sees 更要坚定原则 as
    one word and a search for 原则 finds nothing. The search module stores
    jieba's words here (``title_terms``/``body_terms``, space-separated); on
    PostgreSQL a generated tsvector column over them with a GIN index answers
    queries (see migration 0002), on SQLite the same terms are matched directly.
    Each document points at its source with a cascading one-to-one key, so
    deleting the source deletes the document in the same transaction.
    """

    class Kind(models.TextChoices):
        PRINCIPLE = "principle", _("原则")
        REFLECTION = "reflection", _("心得")
        TAG = "tag", _("标签")
        RELATED_READING = "related_reading", _("延伸阅读")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    principle = models.OneToOneField(
        Principle, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    reflection = models.OneToOneField(
        Reflection, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    related_reading = models.OneToOneField(
        RelatedReading,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_document",
    )
    tag = models.OneToOneField(
        "taggit.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_document",
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=500)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The principle a result belongs to (itself, or a reflection's), for filtering.
    about_principle = models.ForeignKey(
        Principle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tag_names = models.TextField(blank=True, help_text="\\n-separated, \\n-wrapped tag names")
    # Among equally good matches: principles, then tags, then the rest.
    priority = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    PRIORITIES = {Kind.PRINCIPLE: 3, Kind.TAG: 2, Kind.RELATED_READING: 1, Kind.REFLECTION: 1}

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="principle", principle__isnull=False)
                    | Q(kind="reflection", reflection__isnull=False)
                    | Q(kind="tag", tag__isnull=False)
                    | Q(kind="related_reading", related_reading__isnull=False)
                ),
                name="search_document_has_its_source",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "is_public"], name="search_kind_public"),
            models.Index(fields=["-priority", "-updated_at", "-id"], name="search_priority_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.title}"


class PendingReflection(Reflection):
    """The moderation queue in the admin: pending reflections, oldest first."""

    class Meta:
        proxy = True
        ordering = ["created_at", "pk"]
        verbose_name = _("待审核心得")
        verbose_name_plural = _("待审核队列")


class ModerationLog(models.Model):
    """Who approved, rejected, featured, edited or deleted what, and when. Never edited."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("驳回")
        FEATURE = "feature", _("设为精选")
        UNFEATURE = "unfeature", _("取消精选")
        EDIT = "edit", _("编辑")
        DELETE = "delete", _("删除")
        MERGE_TAGS = "merge_tags", _("合并标签")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_logs",
        verbose_name=_("心得"),
    )
    subject = models.CharField(_("对象"), max_length=300)
    reason = models.TextField(_("理由/说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self):
        return f"{self.actor} {self.get_action_display()} {self.subject}"
