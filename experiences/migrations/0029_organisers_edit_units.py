"""组织员 may import and edit units (issue 27, item 5): add_unit and change_unit.

The unit admin still limits them to their own subtree (units/admin.py, the import's
scope in units/services.py); without these permissions 导入单位 answered 403.
"""

from django.db import migrations

ORGANISERS = "组织员"
ADDED = ["add_unit", "change_unit"]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    config = apps.get_app_config("experiences")
    original = getattr(config, "models_module", None)
    config.models_module = original or True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="experiences", codename__in=ADDED)


def organisers_edit_units(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ORGANISERS).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def organisers_edit_units_undo(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ORGANISERS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0028_export_job"),
    ]

    operations = [migrations.RunPython(organisers_edit_units, organisers_edit_units_undo)]
