"""Drop invisible characters from text stored before one rule cleaned all typed text.

Reflection titles and bodies, replies and drafts were cleaned of control characters
only, so a title stored with U+202E still reversed what followed it on every page.
Each row is cleaned by the rule new input gets (core/text.py); a changed body is
rendered again. Rows already clean are not written. Search documents keep their
copies until ``manage.py rebuild_search_index`` (the README says when).
"""

from django.db import migrations

from experiences.core.markdown import markdown_render
from experiences.core.text import line_clean, text_clean

CHUNK = 1000


def _each(model, *fields):
    return model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=CHUNK)


def stored_text_clean(apps, schema_editor):
    Reflection = apps.get_model("experiences", "Reflection")
    for row in _each(Reflection, "title", "body"):
        title, body = line_clean(row.title), text_clean(row.body).strip()
        if title != row.title or body != row.body:
            changes = {"title": title}
            if body != row.body and body:  # never empty a body (a constraint may forbid it)
                changes.update(body=body, body_html=markdown_render(body))
            Reflection.objects.filter(pk=row.pk).update(**changes)
    Reply = apps.get_model("experiences", "Reply")
    for row in _each(Reply, "body"):
        body = text_clean(row.body).strip()
        if body != row.body and body:
            Reply.objects.filter(pk=row.pk).update(body=body, body_html=markdown_render(body))
    Draft = apps.get_model("experiences", "Draft")
    for row in _each(Draft, "title", "body", "tags"):
        cleaned = {
            "title": line_clean(row.title),
            "body": text_clean(row.body),
            "tags": line_clean(row.tags),
        }
        if any(getattr(row, name) != value for name, value in cleaned.items()):
            Draft.objects.filter(pk=row.pk).update(**cleaned)
    User = apps.get_model("experiences", "User")
    for row in _each(User, "display_name", "unit", "post"):
        cleaned = {
            name: line_clean(getattr(row, name)) for name in ("display_name", "unit", "post")
        }
        if any(getattr(row, name) != value for name, value in cleaned.items()):
            User.objects.filter(pk=row.pk).update(**cleaned)
    Flag = apps.get_model("experiences", "Flag")
    for row in _each(Flag, "detail"):
        detail = line_clean(row.detail)
        if detail != row.detail:
            Flag.objects.filter(pk=row.pk).update(detail=detail)


class Migration(migrations.Migration):
    dependencies = [
        ("experiences", "0022_essay_headings_notes"),
    ]

    operations = [
        migrations.RunPython(stored_text_clean, migrations.RunPython.noop, elidable=True),
    ]
