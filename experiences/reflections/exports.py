"""Exports of published reflections for offline reading: CSV (for Excel/WPS) and JSON.

Both carry the authors' text as typed, so both are written for the program
that opens them. Excel and WPS run a cell that starts with = + - @ (or tab,
carriage return) as a formula, and WPS also one that starts with their
full-width forms (\uff1d \uff0b \uff0d \uff20, what a Chinese input method types), so such
cells get a leading ' (OWASP's CSV-injection advice). The JSON keeps the
true text but writes < > & as \\u escapes, as Django's json_script does, so
no tag is live in the file even if something ever shows it as HTML.
"""

import csv
import io
import json
import unicodedata

from experiences.core.dates import cn_datetime
from experiences.reflections.models import Reflection

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_JSON_HTML_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
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
            "发布时间": cn_datetime(published),
            "正文": reflection.body,
            "链接": base_url + reflection.get_absolute_url(),
        }


def csv_cell(value):
    """A value as a spreadsheet shows it literally: formula-like text gets a leading '.

    The first character is compared after NFKC, so the full-width and small forms
    of = + - @ (which WPS evaluates like the ASCII ones) are caught as well.
    """
    if isinstance(value, str) and unicodedata.normalize("NFKC", value[:1]).startswith(
        FORMULA_TRIGGERS
    ):
        return "'" + value
    return value


def reflections_csv(queryset, *, base_url: str = "") -> bytes:
    """UTF-8 with a BOM: without it Excel and WPS open Chinese text as mojibake."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(
        {column: csv_cell(value) for column, value in row.items()}
        for row in _rows(queryset, base_url=base_url)
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def reflections_json(queryset, *, base_url: str = "") -> bytes:
    """Readable UTF-8 (Chinese unescaped); < > & only ever occur inside strings here."""
    text = json.dumps(list(_rows(queryset, base_url=base_url)), ensure_ascii=False, indent=2)
    return text.translate(_JSON_HTML_ESCAPES).encode("utf-8")
