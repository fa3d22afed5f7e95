"""App configuration: each domain's receivers are connected here, once, with their reasons.

Services call the effects they cause in the open (notifications, logs, counts,
the posting limit); receivers remain only where the domain reacting must not be
imported by the one writing: search hears content it sits above, flags hear
deletions of what they flag (cascades included), reflections hear tag merges and
Django's sign-in; and where library code writes (taggit's tags, Django's groups),
the page and viewer state versions follow by receivers.
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
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from taggit.models import Tag, TaggedItem

        from experiences.accounts import data_export as accounts_export
        from experiences.core import caching, converters, viewer_state
        from experiences.drafts import data_export as drafts_export
        from experiences.flags import data_export as flags_export
        from experiences.flags import receivers as flags_receivers
        from experiences.notifications import data_export as notifications_export
        from experiences.notifications import viewer_bits as notifications_viewer_bits
        from experiences.reading import data_export as reading_export
        from experiences.reading import viewer_bits as reading_viewer_bits
        from experiences.reflections import data_export as reflections_export
        from experiences.reflections import receivers as reflections_receivers
        from experiences.reflections import viewer_bits as reflections_viewer_bits
        from experiences.replies import data_export as replies_export
        from experiences.search import receivers as search_receivers

        # Share images need their CJK font: `manage.py check` says so when it is missing.
        from experiences.sharing import checks as sharing_checks  # noqa: F401
        from experiences.study import viewer_bits as study_viewer_bits
        from experiences.study import writing as study_writing
        from experiences.units import data_export as units_export

        # URL converters for Chinese slugs and tag names, before any URLconf is read.
        converters.register()
        # Services call pages_changed and viewer_state_changed in the open; receivers
        # remain only for third-party models that library code writes where we cannot
        # call: taggit's manager and admin write Tag and TaggedItem (shown on pages)...
        for name, signal in (("save", post_save), ("delete", post_delete)):
            for tag_model in (Tag, TaggedItem):
                signal.connect(
                    caching.pages_changed_receiver,
                    sender=tag_model,
                    dispatch_uid=f"kb-pages-{tag_model.__name__}-{name}",
                )
        m2m_changed.connect(
            caching.pages_changed_receiver, sender=TaggedItem, dispatch_uid="kb-pages-tags-m2m"
        )
        # ...and Django's admin writes groups, permissions and who holds them (what
        # shared signed-in pages know of a viewer: core/shared_pages.py).
        user_model = get_user_model()
        for name, signal in (("save", post_save), ("delete", post_delete)):
            for auth_model in (Group, Permission):
                signal.connect(
                    viewer_state.viewer_state_receiver,
                    sender=auth_model,
                    dispatch_uid=f"kb-viewer-state-{auth_model.__name__}-{name}",
                )
        for through in (
            user_model.groups.through,
            user_model.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                viewer_state.viewer_state_receiver,
                sender=through,
                dispatch_uid=f"kb-viewer-state-{through.__name__}",
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
