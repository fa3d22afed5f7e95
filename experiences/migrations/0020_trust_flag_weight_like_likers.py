"""Issue 25: each 举报 carries its reporter's trust weight (flags made before count 1,
as they did), and a gathered 点赞 notification knows which colleagues it counts."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def likers_fill(apps, schema_editor):
    """Unread 点赞 notifications made before ``likers`` existed: the colleagues whose
    点赞 (still there) came since the notification began are its likers. Its count
    becomes their number when that is lower (a toggled 点赞 had inflated it), never higher."""
    Notification = apps.get_model("experiences", "Notification")
    Like = apps.get_model("experiences", "Like")
    unread = Notification.objects.filter(
        kind="likes", read_at__isnull=True, reflection__isnull=False
    )
    for notification in unread.iterator():
        users = list(
            Like.objects.filter(
                reflection_id=notification.reflection_id,
                # The first 点赞 is stored a moment before the notification it raises.
                created_at__gte=notification.created_at - timedelta(minutes=1),
            ).values_list("user_id", flat=True)
        )
        notification.likers.set(users)
        if users and len(users) < notification.count:
            notification.count = len(users)
            notification.text = re.sub(r"^\d+", str(len(users)), notification.text)
            notification.save(update_fields=["count", "text"])


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0019_alter_user_managers"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="weight",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="分量"),
        ),
        migrations.AddField(
            model_name="notification",
            name="likers",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="点赞的同事"
            ),
        ),
        migrations.RunPython(likers_fill, migrations.RunPython.noop),
    ]
