"""Tag input as Chinese users type it: commas (ASCII or full-width), 、, ; or spaces."""

import re

TAG_SEPARATORS = re.compile(r"[,,、;;\s]+")
MAX_TAGS = 8
MAX_TAG_LENGTH = 30


def tags_parse(text: str) -> list[str]:
    """Split typed tags, trim them, drop empties and case-insensitive duplicates (first wins)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in TAG_SEPARATORS.split(text or ""):
        tag = raw.strip().strip("#＃\"'“”")
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def tags_join(tags) -> str:
    """The inverse for form initial values: names joined by a full-width comma."""
    return ",".join(sorted(tag.name for tag in tags))
