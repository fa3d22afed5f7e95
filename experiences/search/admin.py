"""The synonym groups (同义词) in the admin: editors widen what searches find."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experiences.search.models import SynonymGroup
from experiences.search.services import (
    synonym_group_save,
    synonym_groups_delete,
    synonym_words_normalise,
)


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ("words", "note")
        widgets = {"words": forms.Textarea(attrs={"rows": 2})}

    def clean_words(self) -> str:
        words = synonym_words_normalise(self.cleaned_data["words"])
        if len(words.split()) < 2:
            raise forms.ValidationError(_("请至少填写两个不同的词。"))
        return words


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    form = SynonymGroupForm
    list_display = ("__str__", "note", "updated_at")
    search_fields = ("words", "note")

    def save_model(self, request, obj, form, change):
        synonym_group_save(
            group=obj, words=form.cleaned_data["words"], note=form.cleaned_data["note"]
        )

    def delete_model(self, request, obj):
        synonym_groups_delete(groups=[obj])

    def delete_queryset(self, request, queryset):
        synonym_groups_delete(groups=list(queryset))
