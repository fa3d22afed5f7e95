"""App configuration: each domain's receivers are connected here, once, with their reasons."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experiences"
    verbose_name = _("心得知识库")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
        from taggit.models import Tag, TaggedItem

        from experiences.core import caching, converters
        from experiences.essays.models import Essay, Principle, Quotation, RelatedReading
        from experiences.reflections import receivers as reflections_receivers
        from experiences.reflections import viewer_bits as reflections_viewer_bits
        from experiences.reflections.models import Like, Reflection
        from experiences.search import receivers as search_receivers

        # URL converters for Chinese slugs and tag names, before any URLconf is read.
        converters.register()
        # Cached anonymous pages: any change to what pages show bumps the content
        # version. No sender filter: a proxy model (the moderation queue) sends its
        # own class as sender; caching.content_changed checks the concrete model.
        caching.pages_show(
            Essay, Principle, Quotation, RelatedReading, Reflection, Like, Tag, TaggedItem
        )
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(caching.content_changed, dispatch_uid=f"kb-page-cache-{name}")
        # A user's save bumps only if a shown field changes; this notes it beforehand.
        pre_save.connect(
            caching.user_visible_change_note,
            sender=get_user_model(),
            dispatch_uid="kb-page-cache-user-fields",
        )
        # The search index follows every write path, in the same transaction.
        search_receivers.receivers_connect()
        # Tag merges are moderators' acts: logged.
        reflections_receivers.receivers_connect()
        # The 点赞 state on shared signed-in pages (core/shared_pages.py).
        reflections_viewer_bits.register()
