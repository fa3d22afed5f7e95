"""Admin for tags: renaming (normalised as typed tags are) and merging twins."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from experiences.core.admin import WriteEffectsMixin, action_confirm_page
from experiences.core.caching import pages_changed
from experiences.tagging.services import (
    TAG_NAME_REFUSED,
    tag_name_normalise,
    tag_name_refused,
    tags_merge,
)


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
        if tag_name_refused(name):
            raise forms.ValidationError(TAG_NAME_REFUSED, params={"tag": name[:40]})
        same = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                _("已有同名标签“%(name)s”\uff1a请用“合并所选标签”把它们合并。"),
                params={"name": name},
            )
        return name


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(WriteEffectsMixin, TaggitTagAdmin):
    form = TagForm
    list_display = ("name", "slug", "use_count")
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("taggit_taggeditem_items"))

    @admin.display(description=_("使用次数"), ordering="item_count")
    def use_count(self, tag):
        return tag.item_count

    def write_effects(self, objects):
        pages_changed()  # tag names are on cards, tag pages and suggestions

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
                    _("已把 %(count)d 个标签合并到“%(target)s”\uff08移动 %(moved)d 处\uff09。")
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
