"""Exports of published reflections for offline reading: CSV (for Excel/WPS) and JSON."""

import csv
import io
import json

from django.utils import timezone

from .models import Reflection

COLUMNS = ["编号", "标题", "作者", "单位", "原则", "标签", "点赞数", "发布时间", "正文", "链接"]


def _rows(queryset, *, base_url: str):
    reflections = (
        queryset.filter(status=Reflection.Status.PUBLISHED)
        .select_related("author", "principle")
        .prefetch_related("tags")
        .order_by("pk")
    )
    for reflection in reflections:
        published = reflection.published_at or reflection.created_at
        yield {
            "编号": reflection.pk,
            "标题": reflection.title,
            "作者": str(reflection.author),
            "单位": reflection.author.unit,
            "原则": str(reflection.principle) if reflection.principle else "",
            "标签": "、".join(sorted(tag.name for tag in reflection.tags.all())),
            "点赞数": reflection.like_count,
            "发布时间": timezone.localtime(published).strftime("%Y-%m-%d %H:%M"),
            "正文": reflection.body,
            "链接": base_url + reflection.get_absolute_url(),
        }


def reflections_csv(queryset, *, base_url: str = "") -> bytes:
    """UTF-8 with a BOM: without it Excel and WPS open Chinese text as mojibake."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(_rows(queryset, base_url=base_url))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def reflections_json(queryset, *, base_url: str = "") -> bytes:
    return json.dumps(
        list(_rows(queryset, base_url=base_url)), ensure_ascii=False, indent=2
    ).encode("utf-8")
