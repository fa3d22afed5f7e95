"""Reflection bodies: a safe subset of Markdown, rendered once on save and sanitized.

markdown-it-py renders with raw HTML disabled (typed tags come out as text),
then nh3 (the Ammonia sanitizer) keeps only an allow-list of tags and
attributes and only http/https/mailto links. Either alone would stop the
usual payloads; together a parser bug in one is caught by the other.
"""

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

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
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Headings are demoted below the page's own h1/h2; images and tables are not offered.
    return MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False}
    ).disable(["image", "html_block", "html_inline"])


def text_clean(text: str) -> str:
    """Drop NUL and other invisible control characters; normalize line endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


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
