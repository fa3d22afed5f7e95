"""URL converters that refuse NUL and never build a link that climbs out of its prefix.

Slugs and tag names are Chinese, so the pages use ``str``/``path`` rather than
``slug``; but those accept NUL, which PostgreSQL refuses in a query (a 500).
A segment with NUL names nothing: it simply does not match. Other control
characters are left alone so that a name stored before names were cleaned
still has a URL.

A browser resolves the dot segments "." and ".." of a path before it asks
(and "%2E%2E" too), so a tag named ../../accounts/delete linked as
/tags/../../accounts/delete/ opens /accounts/delete/. New tag names may not
be like that (tagging.services.tag_name_refused), and for any stored before,
``to_url`` writes such a value with the full-width slash and full stops
(U+FF0F, U+FF0E), which no normalised name holds (NFKC folds them to ASCII),
and ``to_python`` reads them back: the link stays inside its prefix and still
names the same tag.
"""

from django.urls import register_converter

_DOT_SEGMENTS = {".", ".."}
_SLASH, _FULL_WIDTH_SLASH = "/", "\uff0f"
_DOT, _FULL_WIDTH_DOT = ".", "\uff0e"


def _dot_segments_escape(value: str) -> str:
    if not _DOT_SEGMENTS.intersection(value.split(_SLASH)):
        return value
    value = value.replace(_SLASH, _FULL_WIDTH_SLASH)
    if value in _DOT_SEGMENTS:
        value = value.replace(_DOT, _FULL_WIDTH_DOT)
    return value


def _dot_segments_unescape(value: str) -> str:
    if set(value) == {_FULL_WIDTH_DOT}:
        return value.replace(_FULL_WIDTH_DOT, _DOT)
    return value.replace(_FULL_WIDTH_SLASH, _SLASH)


class TextConverter:
    """One path segment without NUL; a value of only dots is linked in full-width dots."""

    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        if set(value) == {_FULL_WIDTH_DOT}:
            return value.replace(_FULL_WIDTH_DOT, _DOT)
        return value

    def to_url(self, value: str) -> str:
        return _dot_segments_escape(value)


class TextPathConverter(TextConverter):
    """Like ``path``: slashes allowed (a tag name stored before they were refused may hold
    one), NUL not; a value with a dot segment is linked as one segment (full-width slashes)."""

    regex = r"[^\x00]+"

    def to_python(self, value: str) -> str:
        return _dot_segments_unescape(value)


def register() -> None:
    """Make ``text`` and ``textpath`` known to URL patterns (before any of them is built)."""
    register_converter(TextConverter, "text")
    register_converter(TextPathConverter, "textpath")
