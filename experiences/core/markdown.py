"""Reflection bodies: a safe subset of Markdown, rendered once on save and sanitized.

markdown-it-py renders with raw HTML disabled (typed tags come out as text),
then nh3 (the Ammonia sanitizer) keeps only an allow-list of tags and
attributes and only http/https/mailto links. Either alone would stop the
usual payloads; together a parser bug in one is caught by the other.

Cards show :func:`text_excerpt` of that HTML: plain text that the template
escapes, never truncated HTML (Django's truncatechars_html can write decoded
entities back unescaped, turning typed ``&lt;meta&gt;`` into a live tag).
"""

import re
import unicodedata
from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

# The one invisible-character rule (core/text.py); imported from here by many callers.
from experiences.core.text import text_clean

__all__ = ["html_text", "markdown_render", "text_clean", "text_excerpt"]

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXCERPT_LENGTH = 120
# Block tags end a run of text (a space stands in); inline tags join their
# neighbours, so 坚持<strong>原则</strong> reads 坚持原则, not 坚持 原则.
# Quoted attribute values may hold ">" (a link title), so they are skipped whole.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|li|ul|ol|pre|blockquote|h[1-6])\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I
)
_ANY_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Headings are demoted below the page's own h1/h2; images and tables are not offered.
    return MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False}
    ).disable(["image", "html_block", "html_inline"])


def markdown_render(text: str) -> str:
    """Markdown source → sanitized HTML safe to mark_safe in a template."""
    rendered = _parser().render(text_clean(text))
    rendered = re.sub(r"<(/?)h[12]>", r"<\1h3>", rendered)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def html_text(html: str) -> str:
    """Sanitized HTML → its text, tags dropped and entities decoded once (line breaks kept)."""
    return unescape(_ANY_TAG.sub("", html or "")).strip()


def text_excerpt(html: str, *, length: int = EXCERPT_LENGTH) -> str:
    """Sanitized body HTML → plain text of at most ``length`` characters (plus "…").

    The result is text, not markup: the template must autoescape it (no
    ``|safe``). Entities are decoded exactly once, so a typed ``&lt;`` shows
    as ``&lt;`` and a typed ``<`` as ``<``.
    """
    text = _WHITESPACE.sub(" ", html_text(_BLOCK_TAG.sub(" ", html or "")))
    if len(text) <= length:
        return text
    cut = length
    # Never strand a combining mark, variation selector or joiner from its base.
    while cut > 0 and _joins_previous(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + "…"


def _joins_previous(character: str) -> bool:
    return (
        unicodedata.combining(character) != 0
        or character in "\u200c\u200d"
        or "\ufe00" <= character <= "\ufe0f"
    )
