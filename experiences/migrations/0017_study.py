"""学习专题: the unit tree, study topics, User.org_unit, Reflection.study_topic and the 组织员 group.

Users whose free-text 单位 exactly names one unit are linked to it; the rest
are listed in the admin (单位 → 未匹配单位的用户) for mapping by hand.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ORGANISERS = "组织员"
ORGANISER_PERMISSIONS = [
    ("experiences", "view_studytopic"),
    ("experiences", "add_studytopic"),
    ("experiences", "change_studytopic"),
    ("experiences", "view_unit"),
    ("experiences", "view_studyreminderrequest"),
]


def organisers_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    config = apps.get_app_config("experiences")
    original = getattr(config, "models_module", None)
    config.models_module = original or True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ORGANISERS)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in ORGANISER_PERMISSIONS
        ]
    )


def organisers_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ORGANISERS).delete()


def units_match(apps, schema_editor):
    """Link each user whose 单位 label is exactly the name of one unit (unique names only)."""
    from django.db.models import Count

    Unit = apps.get_model("experiences", "Unit")
    User = apps.get_model("experiences", "User")
    unique = (
        Unit.objects.order_by()
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values_list("name", flat=True)
    )
    by_name = dict(Unit.objects.filter(name__in=list(unique)).values_list("name", "pk"))
    for user in User.objects.filter(org_unit__isnull=True).exclude(unit="").only("pk", "unit"):
        unit_id = by_name.get(user.unit.strip())
        if unit_id is not None:
            User.objects.filter(pk=user.pk).update(org_unit_id=unit_id)


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0016_reading_drafts_bookmarks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="StudyTopic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100, verbose_name="标题")),
                ("description", models.TextField(blank=True, verbose_name="说明")),
                ("start_date", models.DateField(verbose_name="开始日期")),
                ("due_date", models.DateField(verbose_name="截止日期")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="创建人",
                    ),
                ),
                (
                    "organisers",
                    models.ManyToManyField(
                        blank=True,
                        related_name="organised_topics",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="组织员",
                    ),
                ),
                (
                    "principles",
                    models.ManyToManyField(
                        blank=True,
                        related_name="study_topics",
                        to="experiences.principle",
                        verbose_name="学习的原则",
                    ),
                ),
            ],
            options={
                "verbose_name": "学习专题",
                "verbose_name_plural": "学习专题",
                "ordering": ["-due_date", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="StudyReminderRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("recipients", models.PositiveIntegerField(default=0, verbose_name="待提醒人数")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_requests",
                        to="experiences.studytopic",
                        verbose_name="学习专题",
                    ),
                ),
            ],
            options={
                "verbose_name": "提醒请求",
                "verbose_name_plural": "提醒请求",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="reflection",
            name="study_topic",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reflections",
                to="experiences.studytopic",
                verbose_name="学习专题",
            ),
        ),
        migrations.CreateModel(
            name="Unit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=255, unique=True)),
                ("depth", models.PositiveIntegerField()),
                ("numchild", models.PositiveIntegerField(default=0)),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                (
                    "code",
                    models.CharField(
                        blank=True,
                        help_text="可选；填写时全站唯一，导入时用来识别同名单位。",
                        max_length=50,
                        verbose_name="编码",
                    ),
                ),
            ],
            options={
                "verbose_name": "单位",
                "verbose_name_plural": "单位",
                "ordering": ["path"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        fields=("code",),
                        name="unit_code_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True), name="unit_name_not_empty"
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="studytopic",
            name="target_units",
            field=models.ManyToManyField(
                help_text="选中的单位包括其全部下级单位。",
                related_name="study_topics",
                to="experiences.unit",
                verbose_name="参学单位",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="org_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="members",
                to="experiences.unit",
                verbose_name="所属单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="studytopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_date__gte", models.F("start_date"))),
                name="study_topic_due_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="studytopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True), name="study_topic_title_not_empty"
            ),
        ),
        migrations.AddIndex(
            model_name="reflection",
            index=models.Index(
                condition=models.Q(("study_topic__isnull", False)),
                fields=["study_topic", "author", "status"],
                name="reflection_topic_author",
            ),
        ),
        migrations.RunPython(organisers_create, organisers_remove),
        migrations.RunPython(units_match, migrations.RunPython.noop),
    ]
