"""``{{ when|cn_datetime }}`` → 2026年12月7日 04:48, ``{{ day|cn_date }}`` → 2026年12月7日.

The one date style of the site (experiences/core/dates.py).
"""

from django import template

from experiences.core import dates

register = template.Library()


@register.filter
def cn_date(value: object) -> str:
    return dates.cn_date(value) if hasattr(value, "year") else ""  # type: ignore[arg-type]


@register.filter
def cn_datetime(value: object) -> str:
    return dates.cn_datetime(value) if hasattr(value, "year") else ""  # type: ignore[arg-type]
