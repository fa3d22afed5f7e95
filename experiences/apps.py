"""App configuration: each domain's receivers are connected here, once, with their reasons.

Services call the effects they cause in the open (notifications, logs, counts,
the posting limit); receivers remain only where the domain reacting must not be
imported by the one writing: search and the page cache hear content they sit
above (or beside, for core), flags hear deletions of what they flag (cascades
included), reflections hear tag merges and Django's sign-in.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experiences"
    verbose_name = _("心得知识库")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
        from taggit.models import Tag, TaggedItem

        from experiences.accounts import data_export as accounts_export
        from experiences.core import caching, converters, viewer_state
        from experiences.drafts import data_export as drafts_export
        from experiences.drafts.models import Draft
        from experiences.essays.models import Essay, Principle, Quotation, RelatedReading
        from experiences.flags import data_export as flags_export
        from experiences.flags import receivers as flags_receivers
        from experiences.notifications import data_export as notifications_export
        from experiences.notifications import viewer_bits as notifications_viewer_bits
        from experiences.reading import data_export as reading_export
        from experiences.reading import viewer_bits as reading_viewer_bits
        from experiences.reading.models import Bookmark, PrincipleRead
        from experiences.reflections import data_export as reflections_export
        from experiences.reflections import receivers as reflections_receivers
        from experiences.reflections import viewer_bits as reflections_viewer_bits
        from experiences.reflections.models import Like, Reflection
        from experiences.replies import data_export as replies_export
        from experiences.replies.models import Reply
        from experiences.search import receivers as search_receivers

        # Share images need their CJK font: `manage.py check` says so when it is missing.
        from experiences.sharing import checks as sharing_checks  # noqa: F401
        from experiences.study import viewer_bits as study_viewer_bits
        from experiences.study import writing as study_writing
        from experiences.study.models import StudyTopic
        from experiences.units import data_export as units_export
        from experiences.units.models import Unit

        # URL converters for Chinese slugs and tag names, before any URLconf is read.
        converters.register()
        # Cached anonymous pages: any change to what pages show bumps the content
        # version. No sender filter: a proxy model (the moderation queue) sends its
        # own class as sender; caching.content_changed checks the concrete model.
        caching.pages_show(
            Essay, Principle, Quotation, RelatedReading, Reflection, Like, Tag, TaggedItem, Reply
        )
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(caching.content_changed, dispatch_uid=f"kb-page-cache-{name}")
        # A user's save bumps only if a shown field changes; this notes it beforehand.
        pre_save.connect(
            caching.user_visible_change_note,
            sender=get_user_model(),
            dispatch_uid="kb-page-cache-user-fields",
        )
        # What shared signed-in pages know of a viewer (core/shared_pages.py): whether the
        # page is theirs to share (a draft, an open 学习专题, a group's rights), their 已学
        # and 收藏. Each of these writes makes it be asked again, for one viewer or all.
        viewer_state.viewer_state_from(get_user_model(), lambda user: user.pk)
        viewer_state.viewer_state_from(Draft, lambda draft: draft.author_id)
        viewer_state.viewer_state_from(Bookmark, lambda mark: mark.user_id)
        viewer_state.viewer_state_from(PrincipleRead, lambda mark: mark.user_id)
        for everyone in (Group, Permission, StudyTopic, Unit):
            viewer_state.viewer_state_from(everyone, None)
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(
                viewer_state.viewer_state_receiver, dispatch_uid=f"kb-viewer-state-{name}"
            )
        # The search index follows every write path, in the same transaction.
        search_receivers.receivers_connect()
        # Tag merges are moderators' acts: logged.
        reflections_receivers.receivers_connect()
        # A deleted reflection or reply closes its open 举报, telling each reader.
        flags_receivers.receivers_connect()
        # The reflection form's 学习专题 choice (reflections sit below study).
        study_writing.register()
        # A colleague's data export: each domain contributes its own section.
        accounts_export.sections_register()
        reflections_export.sections_register()
        notifications_export.sections_register()
        replies_export.sections_register()
        flags_export.sections_register()
        drafts_export.sections_register()
        reading_export.sections_register()
        units_export.sections_register()
        # The 点赞 state on shared signed-in pages (core/shared_pages.py).
        reflections_viewer_bits.register()
        # The header's unread count on them.
        notifications_viewer_bits.register()
        # A principle's 已学 and 收藏.
        reading_viewer_bits.register()
        study_viewer_bits.register()
