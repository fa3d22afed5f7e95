from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experiences"
    verbose_name = _("心得知识库")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from taggit.models import Tag, TaggedItem

        from . import caching
        from .models import Essay, Like, Principle, Quotation, Reflection, RelatedReading

        for model in (
            Essay,
            Principle,
            Quotation,
            RelatedReading,
            Reflection,
            Like,
            Tag,
            TaggedItem,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    caching.content_changed,
                    sender=model,
                    dispatch_uid=f"cache-{model.__name__}-{signal}",
                )
        m2m_changed.connect(caching.content_changed, dispatch_uid="cache-m2m")
