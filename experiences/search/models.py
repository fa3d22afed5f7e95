"""The search index: one document per searchable thing, its words cut by jieba.

Words alone cannot find a word jieba cut differently in the text (身段 in
摆正身段子, cut 身 / 段子), so each document also keeps the character bigrams of
its Chinese text: every query of two or more Chinese characters that occurs
verbatim then matches, on PostgreSQL and SQLite alike.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experiences.essays.models import Principle, RelatedReading
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply


class SearchDocument(models.Model):
    """One searchable thing, with its text already segmented into words by jieba.

    Chinese has no spaces, so a database's own text search sees 更要坚定原则 as
    one word and a search for 原则 finds nothing. The search module stores
    jieba's words here (``title_terms``/``heading_terms``/``body_terms``,
    space-separated) and the character bigrams that are not words already
    (``gram_terms``); on PostgreSQL a generated tsvector column over them with a
    GIN index answers queries (migrations 0002 and 0010), on SQLite the same
    terms are matched directly. Ranking reads the separate columns: where a word
    occurs (title, heading, body) and how often.
    Each document points at its source with a cascading one-to-one key, so
    deleting the source deletes the document in the same transaction.
    """

    class Kind(models.TextChoices):
        PRINCIPLE = "principle", _("原则")
        REFLECTION = "reflection", _("心得")
        TAG = "tag", _("标签")
        RELATED_READING = "related_reading", _("延伸阅读")
        REPLY = "reply", _("回复")

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
    reply = models.OneToOneField(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
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
    # A principle's heading sentence, a reflection's Markdown headings.
    heading_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Character bigrams of the Chinese text that are not already words above.
    gram_terms = models.TextField(blank=True)
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

    PRIORITIES = {
        Kind.PRINCIPLE: 3,
        Kind.TAG: 2,
        Kind.RELATED_READING: 1,
        Kind.REFLECTION: 1,
        Kind.REPLY: 1,
    }

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
                    | Q(kind="reply", reply__isnull=False)
                ),
                name="search_document_has_its_source",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "is_public"], name="search_kind_public"),
            models.Index(fields=["-priority", "-updated_at", "-id"], name="search_priority_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.title}"


def synonym_words_split(text: str) -> list[str]:
    """An editor's list of words (spaces, commas, 、 or lines between them) → distinct words."""
    words = re.split(f"[\\s,;{_LIST_MARKS}]+", text.lower())
    return list(dict.fromkeys(word for word in words if word))


# 、 and the full-width comma and semicolon, which editors type between words.
_LIST_MARKS = "\u3001\uff0c\uff1b"


class SynonymGroup(models.Model):
    """Words a search for any of them also looks for (同义词: 乡亲, 群众, 老百姓).

    Editors keep the groups in the admin; queries are expanded with them at query
    time (search/expansion.py), so a change applies at once, without reindexing.
    ``words`` holds two or more distinct words, lower-cased and space-separated.
    """

    words = models.TextField(
        _("同义词"),
        help_text=_("两个或更多个词，用空格、顿号或逗号隔开，例如：群众 老百姓 乡亲。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    WORD_MAX_LENGTH = 20

    class Meta:
        ordering = ["pk"]
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        constraints = [
            # Two words or more: a group of one expands nothing.
            models.CheckConstraint(
                condition=Q(words__contains=" "), name="synonym_group_two_words"
            ),
        ]

    def __str__(self) -> str:
        return "\u3001".join(self.words.split())

    def clean(self) -> None:
        words = synonym_words_split(self.words)
        if len(words) < 2:
            raise ValidationError({"words": _("请至少填写两个不同的词。")})
        too_long = [word for word in words if len(word) > self.WORD_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                {
                    "words": _("每个词不超过 %(max)s 个字\uff1a%(words)s")
                    % {"max": self.WORD_MAX_LENGTH, "words": "\u3001".join(too_long)}
                }
            )
        self.words = " ".join(words)


class SearchWord(models.Model):
    """A word that occurs in a public document, with its pinyin: the index's own vocabulary.

    Pinyin queries (qunzhong → 群众) and homophone typos (苦口婆新 → 苦口婆心) are
    answered from these rows; they are added as documents are indexed and emptied by
    a rebuild. ``pinyin`` is toneless and unspaced (qunzhong), ``tones`` numbered
    (qun2zhong4).
    """

    word = models.CharField(max_length=20, unique=True)
    pinyin = models.CharField(max_length=120, db_index=True)
    tones = models.CharField(max_length=140, db_index=True)

    class Meta:
        verbose_name = _("搜索词表")
        verbose_name_plural = _("搜索词表")

    def __str__(self) -> str:
        return f"{self.word} {self.tones}"
