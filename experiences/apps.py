"""App configuration: wires the anonymous page cache to model signals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experiences"
    verbose_name = _("心得知识库")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
        from taggit.models import TaggedItem

        from . import caching, receivers

        # No sender filter: a proxy model (the moderation queue) sends its own
        # class as sender; caching.content_changed checks the concrete model.
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(caching.content_changed, dispatch_uid=f"kb-page-cache-{name}")
        # Every way a tag is put on or taken off something keeps its search document right.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                receivers.tagged_item_changed,
                sender=TaggedItem,
                dispatch_uid=f"kb-tag-index-{name}",
            )
        # A user's save bumps only if a shown field changes; this notes it beforehand.
        pre_save.connect(
            caching.user_visible_change_note,
            sender=get_user_model(),
            dispatch_uid="kb-page-cache-user-fields",
        )
