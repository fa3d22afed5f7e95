"""URL converters that refuse NUL.

Slugs and tag names are Chinese, so the pages use ``str``/``path`` rather than
``slug``; but those accept NUL, which PostgreSQL refuses in a query (a 500).
A segment with NUL names nothing: it simply does not match. Other control
characters are left alone so that a name stored before names were cleaned
still has a URL.
"""

from django.urls import register_converter


class TextConverter:
    """One path segment without NUL."""

    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TextPathConverter(TextConverter):
    """Like ``path``: slashes allowed (a tag name may hold one), NUL not."""

    regex = r"[^\x00]+"


def register() -> None:
    """Make ``text`` and ``textpath`` known to URL patterns (before any of them is built)."""
    register_converter(TextConverter, "text")
    register_converter(TextPathConverter, "textpath")
