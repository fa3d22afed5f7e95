"""Admin: essays with principles inline, principles with quotations inline, users, reflections."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from .exports import reflections_csv, reflections_json
from .forms import UserAdminChangeForm
from .importer import EssayImportError, essay_import, essay_parse
from .markdown import markdown_render
from .models import (
    Essay,
    ModerationLog,
    PendingReflection,
    Principle,
    Quotation,
    Reflection,
    RelatedReading,
    Repair,
    User,
)
from .moderation import (
    moderation_log,
    reflection_feature,
    reflection_publish,
    reflection_reject,
    user_can_moderate,
)
from .search import search_index_essay, search_index_principle, search_index_reflection
from .tagging import tag_name_normalise, tags_merge


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


class EssayImportForm(forms.Form):
    title = forms.CharField(
        label=_("标题(选填)"),
        required=False,
        max_length=200,
        help_text=_("原文第一行不是标题、延伸阅读里也没有本文时才需要填写。"),
    )
    text = forms.CharField(
        label=_("原文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "style": "width: 100%"}),
        help_text=_("粘贴全文,或上传 .txt 文件。可以在这里直接修改原文,再预览。"),
    )
    upload = forms.FileField(label=_("或上传 .txt 文件"), required=False)

    MAX_UPLOAD = 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            if upload.size > self.MAX_UPLOAD:
                raise forms.ValidationError(_("文件太大:最多 1 MB。"))
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):  # Windows editors often save GBK
                try:
                    cleaned["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError(_("无法识别文件编码,请另存为 UTF-8 后再上传。"))
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴原文或上传文件。"))
        return cleaned


@admin.register(Essay)
class EssayAdmin(SimpleHistoryAdmin):
    list_display = ("title", "status", "principle_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "author_line", "opening", "closing")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("source_text", "unplaced_text", "created_at", "updated_at")
    inlines = [PrincipleInline, RelatedReadingInline, RepairInline]
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "author_line", "status")}),
        (_("正文"), {"fields": ("opening", "closing")}),
        (
            _("导入记录"),
            {
                "fields": ("unplaced_text", "source_text", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(principle_total=Count("principles"))

    @admin.display(description=_("原则数"), ordering="principle_total")
    def principle_count(self, essay):
        return essay.principle_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index_essay(essay=form.instance)

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
        """Paste or upload → preview what the importer found → correct → save as a draft."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        parsed = None
        form = EssayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text, title = form.cleaned_data["text"], form.cleaned_data["title"] or None
            try:
                if "save" in request.POST:
                    result = essay_import(text=text, title=title, status=Essay.Status.DRAFT)
                    self.message_user(
                        request,
                        _("《%(title)s》已保存为草稿。检查无误后,在列表中用“发布所选文章”发布。")
                        % {"title": result.essay.title},
                    )
                    return redirect("admin:experiences_essay_change", result.essay.pk)
                parsed = essay_parse(text=text, title=title)
                # Show the decoded upload in the text box, ready for corrections.
                form = EssayImportForm(initial={"text": text, "title": form.cleaned_data["title"]})
            except EssayImportError as error:
                form.add_error(None, str(error))
        return TemplateResponse(
            request,
            "admin/experiences/essay/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("导入文章"),
                "form": form,
                "parsed": parsed,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("发布所选文章"))
    def publish(self, request, queryset):
        updated = self._status_set(queryset, Essay.Status.PUBLISHED)
        self.message_user(request, _("已发布 %(count)d 篇文章。") % {"count": updated})

    @admin.action(description=_("将所选文章撤回为草稿"))
    def unpublish(self, request, queryset):
        updated = self._status_set(queryset, Essay.Status.DRAFT)
        self.message_user(request, _("已撤回 %(count)d 篇文章。") % {"count": updated})

    @transaction.atomic
    def _status_set(self, queryset, status):
        essays = list(queryset)
        for essay in essays:
            essay.status = status
            essay.save(update_fields=["status", "updated_at"])
            search_index_essay(essay=essay)
        return len(essays)


class QuotationInline(admin.TabularInline):
    model = Quotation
    fields = ("position", "text", "source")
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "essay", "position", "tag_list")
    list_filter = ("essay", "tags")
    search_fields = ("baseline", "emphasis", "body", "heading")
    list_select_related = ("essay",)
    inlines = [QuotationInline]
    fields = ("essay", "position", "baseline", "emphasis", "slug", "heading", "body", "tags")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index_principle(principle=form.instance)

    @admin.display(description=_("标签"))
    def tag_list(self, principle):
        return "、".join(tag.name for tag in principle.tags.all())


@admin.register(Quotation)
class QuotationAdmin(SimpleHistoryAdmin):
    """Quotations are edited inline on their principle; here for their revision history."""

    list_display = ("text", "source", "principle")
    list_select_related = ("principle",)
    search_fields = ("text", "source")
    list_filter = ("source",)


@admin.register(User)
class KbUserAdmin(UserAdmin):
    form = UserAdminChangeForm
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("个人资料"), {"fields": ("display_name", "unit", "post", "years_of_service")}),
    )
    list_display = ("username", "display_name", "unit", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "unit", "email")


def action_confirm_page(modeladmin, request, *, template, title, form, objects, action):
    """The intermediate page of an admin action that needs more input (a reason, a target)."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": objects,
            "action": action,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回理由(作者可以看到)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("请填写驳回理由,作者会看到它。")},
    )


class ModerationActionsMixin:
    """Approve, reject (with a reason the author reads) and feature, each logged."""

    actions = ["approve", "reject", "feature", "unfeature"]

    def has_moderate_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.action(description=_("通过所选心得(发布)"), permissions=["moderate"])
    def approve(self, request, queryset):
        count = 0
        for reflection in queryset.exclude(status=Reflection.Status.PUBLISHED):
            reflection_publish(reflection=reflection, moderator=request.user)
            count += 1
        self.message_user(request, _("已发布 %(count)d 条心得。") % {"count": count})

    @admin.action(description=_("驳回所选心得(需填写理由)"), permissions=["moderate"])
    def reject(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                with transaction.atomic():
                    for reflection in queryset:
                        reflection_reject(
                            reflection=reflection,
                            reason=form.cleaned_data["reason"],
                            moderator=request.user,
                        )
                self.message_user(
                    request, _("已驳回 %(count)d 条心得。") % {"count": queryset.count()}
                )
                return None
        else:
            form = RejectForm()
        return action_confirm_page(
            self,
            request,
            template="admin/experiences/reflection_reject.html",
            title=_("驳回心得"),
            form=form,
            objects=queryset,
            action="reject",
        )

    @admin.action(description=_("设为精选"), permissions=["moderate"])
    def feature(self, request, queryset):
        count = sum(
            reflection_feature(reflection=r, featured=True, moderator=request.user)
            for r in queryset
        )
        self.message_user(request, _("已将 %(count)d 条心得设为精选。") % {"count": count})

    @admin.action(description=_("取消精选"), permissions=["moderate"])
    def unfeature(self, request, queryset):
        count = sum(
            reflection_feature(reflection=r, featured=False, moderator=request.user)
            for r in queryset
        )
        self.message_user(request, _("已取消 %(count)d 条心得的精选。") % {"count": count})


@admin.register(Reflection)
class ReflectionAdmin(ModerationActionsMixin, admin.ModelAdmin):
    actions = [*ModerationActionsMixin.actions, "export_csv", "export_json"]
    list_display = ("__str__", "author", "principle", "status", "is_featured", "created_at")
    list_filter = ("status", "is_featured", "principle")
    search_fields = ("title", "body", "author__username", "author__display_name")
    list_select_related = ("author", "principle")
    readonly_fields = (
        "author",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "published_at",
    )
    fields = (
        "author",
        "principle",
        "title",
        "body",
        "tags",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "published_at",
    )

    def has_add_permission(self, request):
        return False  # reflections are written on the site, by their authors

    @staticmethod
    def _export(request, queryset, *, render, extension: str, content_type: str):
        content = render(queryset, base_url=request.build_absolute_uri("/").rstrip("/"))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="reflections-{stamp}.{extension}"'
        return response

    @admin.action(description=_("导出所选中已发布的心得(CSV,Excel/WPS 可直接打开)"))
    def export_csv(self, request, queryset):
        return self._export(
            request,
            queryset,
            render=reflections_csv,
            extension="csv",
            content_type="text/csv; charset=utf-8",
        )

    @admin.action(description=_("导出所选中已发布的心得(JSON)"))
    def export_json(self, request, queryset):
        return self._export(
            request,
            queryset,
            render=reflections_json,
            extension="json",
            content_type="application/json; charset=utf-8",
        )

    def save_model(self, request, obj, form, change):
        # Edits in the admin go through the same renderer as the site.
        obj.body_html = markdown_render(obj.body)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index_reflection(reflection=form.instance)
        moderation_log(
            actor=request.user,
            action=ModerationLog.Action.EDIT,
            reflection=form.instance,
            reason="、".join(form.changed_data),
        )

    def delete_model(self, request, obj):
        moderation_log(actor=request.user, action=ModerationLog.Action.DELETE, reflection=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for reflection in queryset:
            moderation_log(
                actor=request.user, action=ModerationLog.Action.DELETE, reflection=reflection
            )
        super().delete_queryset(request, queryset)


class NoEditingMixin:
    """Nobody adds, changes or deletes these rows through their admin page."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingReflection)
class PendingReflectionAdmin(NoEditingMixin, ModerationActionsMixin, admin.ModelAdmin):
    """The queue: pending reflections, oldest first, with bulk approve/reject/feature."""

    list_display = ("__str__", "author", "principle", "created_at", "body_excerpt")
    list_select_related = ("author", "principle")
    list_filter = ("principle",)
    search_fields = ("title", "body", "author__username")
    ordering = ("created_at", "pk")
    actions = ["approve", "reject"]
    readonly_fields = ("author", "principle", "title", "body", "created_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Reflection.Status.PENDING)

    def has_view_permission(self, request, obj=None):
        return user_can_moderate(user=request.user)

    def has_module_permission(self, request):
        return user_can_moderate(user=request.user)

    @admin.display(description=_("正文摘要"))
    def body_excerpt(self, reflection):
        return reflection.body[:60]


@admin.register(ModerationLog)
class ModerationLogAdmin(NoEditingMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: a log that can be edited proves nothing."""

    list_display = ("created_at", "actor", "action", "subject", "reason")
    list_filter = ("action", "actor")
    search_fields = ("subject", "reason", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("合并到"),
        queryset=Tag.objects.order_by("name"),
        error_messages={"required": _("请选择要合并到的目标标签。")},
    )


class TagForm(forms.ModelForm):
    """A tag renamed in the admin is normalised as typed tags are (tagging.tag_name_normalise)."""

    class Meta:
        model = Tag
        fields = ("name", "slug")

    def clean_name(self):
        name = tag_name_normalise(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("标签名不能为空。"))
        same = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                _("已有同名标签“%(name)s”\uff1a请用“合并所选标签”把它们合并。"),
                params={"name": name},
            )
        return name


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    form = TagForm
    list_display = ("name", "slug", "use_count")
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("taggit_taggeditem_items"))

    @admin.display(description=_("使用次数"), ordering="item_count")
    def use_count(self, tag):
        return tag.item_count

    @admin.action(description=_("合并所选标签"), permissions=["change"])
    def merge(self, request, queryset):
        if "apply" in request.POST:
            form = MergeTagsForm(request.POST)
            if form.is_valid():
                target = form.cleaned_data["target"]
                sources = list(queryset.exclude(pk=target.pk))
                moved = tags_merge(sources=sources, target=target, moderator=request.user)
                self.message_user(
                    request,
                    _("已把 %(count)d 个标签合并到“%(target)s”(移动 %(moved)d 处)。")
                    % {"count": len(sources), "target": target.name, "moved": moved},
                )
                return None
        else:
            form = MergeTagsForm(initial={"target": queryset.order_by("-item_count").first()})
        return action_confirm_page(
            self,
            request,
            template="admin/experiences/tag_merge.html",
            title=_("合并标签"),
            form=form,
            objects=queryset,
            action="merge",
        )
