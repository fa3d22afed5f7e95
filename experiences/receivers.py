"""Signal receivers that keep derived search state in step with tagging.

Tags are added and removed through taggit's manager, the admin's tag field,
merges, and cascades when a reflection or principle is deleted; a receiver on
the tagged-item rows sees every one of those paths, so a tag's search document
(and whether it is public) follows without each path remembering to ask.
"""

from taggit.models import Tag

from .search import search_index_tags


def tagged_item_changed(sender, instance, **kwargs) -> None:
    """A tag was put on or taken off something: its document and visibility follow."""
    search_index_tags(tags=Tag.objects.filter(pk=instance.tag_id))
