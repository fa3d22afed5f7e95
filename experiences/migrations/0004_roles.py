"""The two roles: 版主 (moderators) and 编辑 (editors), as groups with their permissions.

Moderators moderate reflections and tags, read the log, and may not edit
essays or users. Editors edit essays, principles, quotations and related
reading, and may not moderate.
"""

from django.db import migrations

MODERATORS = "版主"
EDITORS = "编辑"

MODERATOR_PERMISSIONS = [
    ("experiences", "moderate_reflection"),
    ("experiences", "view_reflection"),
    ("experiences", "change_reflection"),
    ("experiences", "delete_reflection"),
    ("experiences", "view_pendingreflection"),
    ("experiences", "view_moderationlog"),
    ("taggit", "view_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
    ("taggit", "view_taggeditem"),
]
EDITOR_PERMISSIONS = [
    (app, f"{action}_{model}")
    for app, model in [
        ("experiences", "essay"),
        ("experiences", "principle"),
        ("experiences", "quotation"),
        ("experiences", "relatedreading"),
    ]
    for action in ("add", "change", "delete", "view")
] + [("experiences", "view_repair"), ("taggit", "view_tag"), ("taggit", "add_tag")]


def roles_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("experiences", "taggit"):
        config = apps.get_app_config(label)
        original = getattr(config, "models_module", None)
        config.models_module = original or True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((MODERATORS, MODERATOR_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
        ]
        group.permissions.set(permissions)


def roles_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MODERATORS, EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0003_moderation"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
