"""URL converters that refuse control characters.

Slugs and tag names are Chinese, so the pages use ``str``/``path`` rather than
``slug``; but those accept NUL, which PostgreSQL refuses in a query (a 500).
A segment with a control character names nothing: it simply does not match.
"""

from django.urls import register_converter


class TextConverter:
    """One path segment without control characters."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TextPathConverter(TextConverter):
    """Like ``path``: slashes allowed (a tag name may hold one), control characters not."""

    regex = r"[^\x00-\x1f\x7f]+"


register_converter(TextConverter, "text")
register_converter(TextPathConverter, "textpath")
