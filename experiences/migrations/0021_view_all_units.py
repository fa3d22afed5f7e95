"""The explicit whole-tree permission (单位: 可以查看全部单位的学习情况).

Being staff no longer shows every unit's figures: superusers have the whole
tree, and anyone else needs this permission, granted in the admin.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0020_trust_flag_weight_like_likers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="unit",
            options={
                "ordering": ["path"],
                "permissions": [("view_all_units", "可以查看全部单位的学习情况")],
                "verbose_name": "单位",
                "verbose_name_plural": "单位",
            },
        ),
    ]
