"""What a search result shows: a snippet of its text and its title, the query's words marked.

Made in Python, not by the database: the same on PostgreSQL and SQLite, and the
content is escaped before any <mark> goes in, so a result never carries markup
its author typed. Snippets are punctuated as the principle page shows the text.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from experiences.core.punctuation import cjk_punctuate


def snippet_highlight(
    text: str, tokens: list[str], *, width: int = 60, punctuate: bool = True
) -> SafeString:
    """A window of ``text`` around the first hit, HTML-escaped, each token in <mark>.

    Punctuated as the principle page shows it (full-width marks inside Chinese),
    over the whole text first so a mark at the window's edge still sees both sides.
    """
    if not text:
        return mark_safe("")
    if punctuate:
        text = cjk_punctuate(text)
    ordered = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not ordered:
        return escape(text[: width * 2])
    pattern = re.compile("|".join(re.escape(token) for token in ordered), re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if len(text) <= width * 2 else max(0, (first.start() if first else 0) - width // 2)
    end = min(len(text), start + width * 2)
    window = text[start:end]
    parts: list[str] = []
    cursor = 0
    for match in pattern.finditer(window):
        parts.append(escape(window[cursor : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    parts.append(escape(window[cursor:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def title_highlight(text: str, tokens: list[str]) -> SafeString:
    """The whole title (titles are short), escaped, with the tokens in <mark>."""
    return snippet_highlight(text, tokens, width=len(text) + 1, punctuate=False)
