"""Signal receivers that keep the search index in step with everything it indexes.

Essays, principles, quotations, related reading, reflections, replies and tags change
through services, admin forms, inlines, actions and commands; receivers on the
models see every one of those paths, in the same transaction, so a path that
forgets the index cannot exist. Bulk loads that bypass signals (the importer's
bulk create, the benchmarks) index explicitly or rebuild.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from experiences.accounts.deletion import register_deletion_step
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading
from experiences.essays.signals import essay_imported
from experiences.reflections.models import PendingReflection, Reflection
from experiences.replies.models import PendingReply, Reply
from experiences.search.expansion import synonyms_changed
from experiences.search.indexing import (
    search_index_essay,
    search_index_principle,
    search_index_reflection,
    search_index_related_reading,
    search_index_reply,
    search_index_tags,
)
from experiences.search.models import SearchDocument, SynonymGroup
from experiences.tagging.signals import tags_merged


def _index_object(obj) -> None:
    """Reindex a principle or a reflection (the things tags are put on)."""
    if isinstance(obj, Principle):
        search_index_principle(principle=obj)
    elif isinstance(obj, Reflection):
        search_index_reflection(reflection=obj)


def essay_saved(sender, instance, raw=False, **kwargs) -> None:
    """Publishing or withdrawing an essay makes its principles and reading (un)findable."""
    if not raw:
        search_index_essay(essay=instance)


def essay_was_imported(sender, essay, **kwargs) -> None:
    """An import wrote principles, quotations and readings in bulk (essays/signals.py)."""
    search_index_essay(essay=essay)


def principle_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        search_index_principle(principle=instance)


def quotation_changed(sender, instance, raw=False, **kwargs) -> None:
    """A quotation's words are found through its principle's document."""
    if raw:
        return
    principle = Principle.objects.filter(pk=instance.principle_id).select_related("essay").first()
    if principle is not None:
        search_index_principle(principle=principle)


def related_reading_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        search_index_related_reading(reading=instance)


def reflection_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw:
        search_index_reflection(reflection=instance, created=created)


def reply_saved(sender, instance, raw=False, **kwargs) -> None:
    """Posted, edited, published, rejected, hidden by 举报: the reply's document follows."""
    if not raw:
        search_index_reply(reply=instance)


def tag_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    """A renamed tag: its own document, and every document that lists its name."""
    if raw or created:
        return
    search_index_tags(tags=[instance])
    for item in TaggedItem.objects.filter(tag=instance).select_related("content_type"):
        _index_object(item.content_object)


def tagged_item_changed(sender, instance, raw=False, **kwargs) -> None:
    """A tag put on or taken off something: its document and visibility follow."""
    if not raw:
        search_index_tags(tags=Tag.objects.filter(pk=instance.tag_id))


def tags_of_object_changed(sender, instance, action, **kwargs) -> None:
    """taggit's add/remove/clear on a principle or reflection: its document lists its tags."""
    if action in {"post_add", "post_remove", "post_clear"}:
        _index_object(instance)


def tags_were_merged(sender, target, tagged, **kwargs) -> None:
    for content_type_id, object_id in tagged:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model in (Principle, Reflection):
            _index_object(model.objects.filter(pk=object_id).first())
    search_index_tags(tags=[target])


def documents_of_leaver_keep(*, user, tombstone, keep_reflections: bool) -> None:
    """An account deletion step (accounts/deletion.py): the reflections it keeps (the
    published ones) keep their documents, owned by the tombstone; the rest cascade."""
    if keep_reflections:
        SearchDocument.objects.filter(
            owner=user,
            reflection__author__in=[user, tombstone],
            reflection__status=Reflection.Status.PUBLISHED,
        ).update(owner=tombstone)


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    register_deletion_step("search", documents_of_leaver_keep)
    post_save.connect(essay_saved, sender=Essay, dispatch_uid="search-essay")
    essay_imported.connect(essay_was_imported, sender=Essay, dispatch_uid="search-essay-import")
    post_save.connect(principle_saved, sender=Principle, dispatch_uid="search-principle")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(quotation_changed, sender=Quotation, dispatch_uid=f"search-quote-{name}")
        signal.connect(tagged_item_changed, sender=TaggedItem, dispatch_uid=f"search-tag-{name}")
    post_save.connect(related_reading_saved, sender=RelatedReading, dispatch_uid="search-reading")
    # The moderation queue saves through its proxy model, which is the sender then.
    for model in (Reflection, PendingReflection):
        post_save.connect(reflection_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
    for reply_model in (Reply, PendingReply):
        post_save.connect(
            reply_saved, sender=reply_model, dispatch_uid=f"search-{reply_model.__name__}"
        )
    # Synonyms apply at query time: a change reaches every process's table (the cached
    # search pages follow by search/services.py's pages_changed).
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(synonyms_changed, sender=SynonymGroup, dispatch_uid=f"search-syn-{name}")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="search-tag")
    m2m_changed.connect(
        tags_of_object_changed, sender=TaggedItem, dispatch_uid="search-tags-of-object"
    )
    tags_merged.connect(tags_were_merged, dispatch_uid="search-tags-merged")
