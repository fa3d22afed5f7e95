"""Usernames differing only in case: refused by the database, not only by the sign-up form.

Two sign-ups at once ("RaceX" and "racex") both passed the form's check. Before the
index is built, a site that already has such pairs is refused with their names: an
administrator renames one of each pair (admin, 用户) and migrates again. A fresh site
has none.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def duplicates_refuse(apps, schema_editor):
    User = apps.get_model("experiences", "User")
    clashes = (
        User.objects.annotate(folded=Lower("username"))
        .values("folded")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("folded", flat=True)
    )
    names = sorted(
        User.objects.annotate(folded=Lower("username"))
        .filter(folded__in=list(clashes))
        .values_list("username", flat=True)
    )
    if names:
        raise RuntimeError(
            "Usernames that differ only in case must be renamed before this migration "
            "(admin, 用户): " + ", ".join(names)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("experiences", "0024_search_synonyms_words_replies"),
    ]

    operations = [
        migrations.RunPython(duplicates_refuse, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="user_username_lower_unique",
                violation_error_message="这个用户名已被使用。",
            ),
        ),
    ]
