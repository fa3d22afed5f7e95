"""Admin for editors: essays with principles inline, principles with quotations, the import page.

Publishing goes through ``essays/services.py``; the search index follows
every save through ``search/receivers.py``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from experiences.core.admin import WriteEffectsMixin
from experiences.core.caching import pages_changed
from experiences.core.limits import MAX_TAG_LENGTH, MAX_TAGS
from experiences.essays.docx import essay_upload_text
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading, Repair
from experiences.essays.parser import (
    EssayImportError,
    ParsedEssay,
    essay_parse,
)
from experiences.essays.services import essays_status_set
from experiences.tagging.services import tags_parse


class PrincipleInline(admin.TabularInline):
    model = Principle
    fields = ("position", "baseline", "emphasis", "slug")
    extra = 0
    show_change_link = True


class RelatedReadingInline(admin.TabularInline):
    model = RelatedReading
    fields = ("position", "title", "excerpt")
    extra = 0


class RepairInline(admin.TabularInline):
    """Repairs are the importer's record; editors read them, they do not edit them."""

    model = Repair
    fields = ("position", "description", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# What to do, in this page's own terms, for each reason the importer refuses.
IMPORT_HINTS = {
    "no_title": _("请在上面的“标题”一栏填写标题。"),  # only when the text has no sentence
    "no_principles": _("如果这篇文章确实没有原则\uff0c请勾选“这篇文章确实没有原则”。"),
}


def principle_tag_rows(parsed: ParsedEssay, data: QueryDict) -> list[dict[str, object]]:
    """Each previewed principle with the tags typed for it (``tags-<position>``), parsed
    as a reflection's tags are and held to the same limits, or the reason they are not."""
    rows: list[dict[str, object]] = []
    for principle in parsed.principles:
        typed = data.get(f"tags-{principle.position}", "")[:1000]
        error = ""
        try:
            names = tags_parse(typed)
        except ValidationError as refused:  # a name that would climb out of /tags/
            names, error = [], " ".join(refused.messages)
        if len(names) > MAX_TAGS:
            error = _("标签最多 %(max)d 个\uff0c这里填了 %(count)d 个。") % {
                "max": MAX_TAGS,
                "count": len(names),
            }
        elif any(len(name) > MAX_TAG_LENGTH for name in names):
            error = _("每个标签不超过 %(max)d 个字。") % {"max": MAX_TAG_LENGTH}
        rows.append(
            {
                "principle": principle,
                "slug": principle.slug,
                "typed": typed,
                "names": names,
                "error": error,
            }
        )
    return rows


class EssayImportForm(forms.Form):
    title = forms.CharField(
        label=_("标题\uff08选填\uff09"),
        required=False,
        max_length=200,
        help_text=_(
            "不填时用原文第一行的标题或延伸阅读里本文的标题\uff1b都没有时暂用正文第一句"
            "\uff0c保存后可以修改。"
        ),
    )
    text = forms.CharField(
        label=_("原文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "style": "width: 100%"}),
        help_text=_(
            "粘贴全文\uff0c或上传 .txt 或 Word\uff08.docx\uff09文件。"
            "可以在这里直接修改原文\uff0c再预览。"
        ),
    )
    upload = forms.FileField(
        label=_("或上传 .txt 或 .docx 文件"),
        required=False,
        help_text=_("Word 的标题样式和自动编号会写成“一、二、”\uff0c加粗的文字保留为强调。"),
    )
    no_principles = forms.BooleanField(
        label=_("这篇文章确实没有原则"),
        required=False,
        help_text=_("不勾选时\uff0c找不到任何原则的原文不会被保存。"),
    )

    MAX_UPLOAD = 1024 * 1024
    # A Word file carries its images and styles: more room, although only text is kept.
    MAX_DOCX_UPLOAD = 20 * 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        cleaned["notices"] = []
        upload = cleaned.get("upload")
        if upload:
            is_docx = (upload.name or "").lower().endswith(".docx")
            if upload.size > (self.MAX_DOCX_UPLOAD if is_docx else self.MAX_UPLOAD):
                raise forms.ValidationError(
                    _("文件太大\uff1aWord 文档最多 20 MB\uff0c文本文件最多 1 MB。")
                )
            try:
                read = essay_upload_text(upload.name or "", upload.read())
            except EssayImportError as error:
                raise forms.ValidationError(str(error)) from error
            cleaned["text"], cleaned["notices"] = read.text, read.notices
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴原文或上传文件。"))
        return cleaned


@admin.register(Essay)
class EssayAdmin(WriteEffectsMixin, SimpleHistoryAdmin):
    class Media:
        css = {"all": ["css/admin-essay.css"]}

    list_display = ("title", "status", "principle_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "author_line", "opening", "closing")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("source_text", "unplaced_text", "created_at", "updated_at")
    inlines = [PrincipleInline, RelatedReadingInline, RepairInline]
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "author_line", "status")}),
        (_("正文"), {"fields": ("opening", "closing", "notes")}),
        (
            _("导入记录"),
            {
                "fields": ("unplaced_text", "source_text", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )

    def get_queryset(self, request):

        return super().get_queryset(request).annotate(principle_total=Count("principles"))

    @admin.display(description=_("原则数"), ordering="principle_total")
    def principle_count(self, essay):
        return essay.principle_total

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="experiences_essay_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Paste or upload → preview what the importer found, tag each principle → correct
        → save as a draft. The title is optional: without one the first sentence stands in."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        parsed = None
        notices: list[str] = []
        principle_rows: list[dict[str, object]] = []
        form = EssayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text, title = form.cleaned_data["text"], form.cleaned_data["title"] or None
            allow_none = form.cleaned_data["no_principles"]
            notices = form.cleaned_data["notices"]
            try:
                parsed = essay_parse(
                    text=text, title=title, allow_no_principles=allow_none, title_fallback=True
                )
                principle_rows = principle_tag_rows(parsed, request.POST)
                tags_ok = not any(row["error"] for row in principle_rows)
                if "save" in request.POST and tags_ok:
                    result = essay_import(
                        text=text,
                        title=title,
                        status=Essay.Status.DRAFT,
                        allow_no_principles=allow_none,
                        title_fallback=True,
                        principle_tags={row["slug"]: row["names"] for row in principle_rows},
                    )
                    self.message_user(
                        request,
                        _(
                            "《%(title)s》已保存为草稿。检查无误后\uff0c在列表中用“发布所选文章”发布。"
                        )
                        % {"title": result.essay.title},
                    )
                    return redirect("admin:experiences_essay_change", result.essay.pk)
                # Show the decoded upload in the text box, ready for corrections.
                form = EssayImportForm(
                    initial={
                        "text": text,
                        "title": form.cleaned_data["title"],
                        "no_principles": allow_none,
                    }
                )
            except EssayImportError as error:
                parsed = None
                form.add_error(None, f"{error}{IMPORT_HINTS.get(error.code, '')}")
        return TemplateResponse(
            request,
            "admin/experiences/essay/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("导入文章"),
                "form": form,
                "parsed": parsed,
                "principle_rows": principle_rows,
                "import_notices": notices,
                "limits": {"tags_max": MAX_TAGS, "tag_length_max": MAX_TAG_LENGTH},
                "opts": self.model._meta,
            },
        )

    def write_effects(self, objects):
        pages_changed()  # the essay, its principles and readings (inlines) are shown

    @admin.action(description=_("发布所选文章"))
    def publish(self, request, queryset):
        updated = essays_status_set(essays=queryset, status=Essay.Status.PUBLISHED)
        self.message_user(request, _("已发布 %(count)d 篇文章。") % {"count": updated})

    @admin.action(description=_("将所选文章撤回为草稿"))
    def unpublish(self, request, queryset):
        updated = essays_status_set(essays=queryset, status=Essay.Status.DRAFT)
        self.message_user(request, _("已撤回 %(count)d 篇文章。") % {"count": updated})


class QuotationInline(admin.TabularInline):
    model = Quotation
    fields = ("position", "text", "source")
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(WriteEffectsMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "essay", "position", "tag_list")
    list_filter = ("essay", "tags")
    search_fields = ("baseline", "emphasis", "body", "heading")
    list_select_related = ("essay",)
    inlines = [QuotationInline]
    fields = ("essay", "position", "baseline", "emphasis", "slug", "heading", "body", "tags")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("标签"))
    def tag_list(self, principle):
        return "、".join(tag.name for tag in principle.tags.all())

    def write_effects(self, objects):
        pages_changed()  # principles, their quotations and tags are on every essay's pages


@admin.register(Quotation)
class QuotationAdmin(WriteEffectsMixin, SimpleHistoryAdmin):
    """Quotations are edited inline on their principle; here for their revision history."""

    list_display = ("text", "source", "principle")
    list_select_related = ("principle",)
    search_fields = ("text", "source")
    list_filter = ("source",)

    def write_effects(self, objects):
        pages_changed()
