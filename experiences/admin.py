"""Admin for editors: essays with principles inline, principles with quotations inline."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Essay, Principle, Quotation, RelatedReading, Repair


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


@admin.register(Essay)
class EssayAdmin(admin.ModelAdmin):
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

    @admin.action(description=_("发布所选文章"))
    def publish(self, request, queryset):
        updated = queryset.update(status=Essay.Status.PUBLISHED)
        self.message_user(request, _("已发布 %(count)d 篇文章。") % {"count": updated})

    @admin.action(description=_("将所选文章撤回为草稿"))
    def unpublish(self, request, queryset):
        updated = queryset.update(status=Essay.Status.DRAFT)
        self.message_user(request, _("已撤回 %(count)d 篇文章。") % {"count": updated})


class QuotationInline(admin.TabularInline):
    model = Quotation
    fields = ("position", "text", "source")
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
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
