"""Merge tags that look the same but were stored apart (zero-width characters, full-width
letters, Cyrillic look-alikes, case): each group keeps one tag, spelled normally.

Search documents of the merged tags are rebuilt by ``manage.py rebuild_search_index``
(docs/security.md says when); the pages read the tags themselves and are right at once.
"""

from collections import defaultdict

from django.db import migrations

from experiences.tagging.services import tag_name_normalise


def tags_merge_lookalikes(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    groups = defaultdict(list)
    for tag in Tag.objects.order_by("pk"):
        groups[tag_name_normalise(tag.name).casefold()].append(tag)
    for key, tags in groups.items():
        if not key:
            continue  # a name of nothing but invisible characters: left for an editor
        normal = tag_name_normalise(tags[0].name)
        # Keep the tag already spelled normally, else the oldest.
        target = next((tag for tag in tags if tag.name == normal), tags[0])
        for source in tags:
            if source.pk == target.pk:
                continue
            for item in TaggedItem.objects.filter(tag=source):
                duplicate = TaggedItem.objects.filter(
                    tag=target, content_type_id=item.content_type_id, object_id=item.object_id
                ).exists()
                if duplicate:
                    item.delete()
                else:
                    item.tag = target
                    item.save(update_fields=["tag"])
            source.delete()
        if target.name != normal:
            target.name = normal
            target.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0006_like_count"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(tags_merge_lookalikes, migrations.RunPython.noop)]
