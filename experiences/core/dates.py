"""One date style everywhere people read a date: 2026年12月7日 04:48 (Asia/Shanghai).

Pages, notifications, the 截止 of a topic, reports and exported files all go
through these two functions (templates through the ``cn_date`` and
``cn_datetime`` filters), so an organiser never sees 2026-12-07 on one page and
2026年12月7日 on the next. Machine-readable places (``<time datetime>``, JSON in
the personal data ZIP) keep ISO 8601.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """``2026年12月7日``; an aware datetime is first moved to the site's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime.datetime | datetime.date | None) -> str:
    """``2026年12月7日 04:48`` in the site's time zone; a plain date shows as ``cn_date``."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"
