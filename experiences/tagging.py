"""Tags: input as Chinese users type it, tags in use with their sizes, merging tags."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

TAG_SEPARATORS = re.compile(r"[,,、;;\s]+")
MAX_TAGS = 8
MAX_TAG_LENGTH = 30


def tags_parse(text: str) -> list[str]:
    """Split typed tags, trim them, drop empties and case-insensitive duplicates (first wins)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in TAG_SEPARATORS.split(text or ""):
        tag = raw.strip().strip("#＃\"'“”")
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def tags_join(tags) -> str:
    """The inverse for form initial values: names joined by a full-width comma."""
    return ",".join(sorted(tag.name for tag in tags))


def tags_in_use():
    """Tags on published principles or published reflections, with how often, by name."""
    from django.db.models import Count, Q
    from taggit.models import Tag

    from .models import Essay, Principle, Reflection

    principle_type, reflection_type = (
        ContentType.objects.get_for_model(model) for model in (Principle, Reflection)
    )
    visible = Q(
        taggit_taggeditem_items__content_type=principle_type,
        taggit_taggeditem_items__object_id__in=Principle.objects.filter(
            essay__status=Essay.Status.PUBLISHED
        ).values("pk"),
    ) | Q(
        taggit_taggeditem_items__content_type=reflection_type,
        taggit_taggeditem_items__object_id__in=Reflection.objects.published().values("pk"),
    )
    return (
        Tag.objects.annotate(use_count=Count("taggit_taggeditem_items", filter=visible))
        .filter(use_count__gt=0)
        .order_by("name")
    )


def tag_sizes(tags, *, steps: int = 5) -> None:
    """Give each tag a ``size`` from 1 to ``steps`` by its use count (log scale), in place."""
    import math

    counts = [tag.use_count for tag in tags]
    if not counts:
        return
    low, high = math.log(min(counts)), math.log(max(counts))
    for tag in tags:
        if high == low:
            tag.size = 3
        else:
            tag.size = 1 + round((math.log(tag.use_count) - low) / (high - low) * (steps - 1))


@transaction.atomic
def tags_merge(*, sources, target, moderator=None) -> int:
    """Every item carrying a source tag carries ``target`` instead, once; the sources go.

    Returns how many tagged items were moved. Reindexes what it touched.
    """
    from taggit.models import TaggedItem

    from .models import ModerationLog, Principle, Reflection
    from .moderation import moderation_log
    from .search import search_index_principle, search_index_reflection, search_index_tags

    sources = [tag for tag in sources if tag.pk != target.pk]
    items = TaggedItem.objects.filter(tag__in=sources).select_related("content_type")
    touched: set[tuple[int, int]] = set()
    moved = 0
    for item in items:
        key = (item.content_type_id, item.object_id)
        touched.add(key)
        already = TaggedItem.objects.filter(
            tag=target, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if already:
            item.delete()
        else:
            item.tag = target
            item.save(update_fields=["tag"])
            moved += 1
    names = "、".join(tag.name for tag in sources)
    for tag in sources:
        tag.delete()
    for content_type_id, object_id in touched:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is Principle:
            principle = Principle.objects.select_related("essay").get(pk=object_id)
            search_index_principle(principle=principle)
        elif model is Reflection:
            search_index_reflection(reflection=Reflection.objects.get(pk=object_id))
    search_index_tags(tags=[target])
    if moderator is not None:
        moderation_log(
            actor=moderator,
            action=ModerationLog.Action.MERGE_TAGS,
            subject=f"标签 {names} → {target.name}",
        )
    return moved
