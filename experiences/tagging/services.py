"""Tags: input as Chinese users type it, tags in use with their sizes, merging tags.

A tag name is normalised on input so that tags which look the same are the
same tag: 群众工作 with a zero-width joiner, ＡＢＣ and ABC, a Cyrillic а among
Latin letters. Which tags are public (a published principle or reflection carries
them) and the tag pages are the reflections domain's: reflections/tags.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem

from experiences.core.caching import pages_changed
from experiences.core.text import INVISIBLE_CLASS
from experiences.tagging.signals import tags_merged

if TYPE_CHECKING:
    from experiences.accounts.models import User

# Commas (ASCII and full-width), 、, semicolons (ASCII and full-width) and spaces.
TAG_SEPARATORS = re.compile("[,\uff0c\u3001;\uff1b\\s]+")
# Characters that change nothing on screen: the one rule for typed text (core/text.py),
# and, for telling tags apart, also the combining grapheme joiner, Khmer inherent
# vowels, Mongolian variation selectors and the variation selectors (with the
# supplement's, U+E0100-U+E01EF).
INVISIBLE = re.compile(
    f"[{INVISIBLE_CLASS}\u034f\u17b4\u17b5\u180b-\u180d\ufe00-\ufe0f\U000e0000-\U000e0fff]"
)
# Scripts whose letters are drawn like Latin ones (Cyrillic а, Greek ο).
LATIN_LOOKALIKE_SCRIPTS = {"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}
STRIPPED_AROUND = "#\"'“”‘’"


@lru_cache(maxsize=4096)
def _latin_twin(character: str) -> str:
    """The Latin letter ``character`` is drawn like, if it is a look-alike; else itself."""
    from confusable_homoglyphs import categories, confusables

    if categories.alias(character) not in LATIN_LOOKALIKE_SCRIPTS:
        return character
    found = confusables.is_confusable(character, greedy=True, preferred_aliases=["latin"])
    for homoglyph in found[0]["homoglyphs"] if found else []:
        twin: str = homoglyph["c"]
        if homoglyph["n"].startswith("LATIN") and len(twin) == 1:
            return twin
    return character


def tag_name_normalise(name: str) -> str:
    """The one spelling of a tag: NFKC (ＡＢＣ → ABC), invisible and bidi characters
    dropped, Latin look-alikes made Latin, surrounding marks trimmed. Case is kept for
    display; tags are matched without it (``tag_key``, TAGGIT_CASE_INSENSITIVE)."""
    name = unicodedata.normalize("NFKC", name or "")
    name = INVISIBLE.sub("", name)
    name = "".join(_latin_twin(character) for character in name)
    name = unicodedata.normalize("NFKC", name)
    return re.sub(r"\s+", " ", name).strip().strip(STRIPPED_AROUND).strip()


# A tag's page is /tags/<name>/: a slash or backslash (browsers read it as a slash)
# would make path segments of the name, and "." or ".." among them climb out of
# /tags/ (../../accounts/delete links to /accounts/delete/). Such names are refused.
TAG_NAME_REFUSED = _("标签不能含有“/”或“\\”\uff0c也不能只由“.”组成\uff1a“%(tag)s”。")


def tag_name_refused(name: str) -> bool:
    """Whether a (normalised) name cannot be a tag: it holds a slash or is only dots."""
    return "/" in name or "\\" in name or set(name) == {"."}


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: the normalised name, case folded."""
    return tag_name_normalise(name).casefold()


def tag_names_clean(names: Iterable[str]) -> list[str]:
    """Normalised names, empties and duplicates (in any case) dropped, first wins.

    Raises ``ValidationError`` (a Chinese message) for a name ``tag_name_refused``
    refuses: forms show it by the tags field, and no service can store such a tag.
    """
    seen: set[str] = set()
    tags: list[str] = []
    for raw in names:
        tag = tag_name_normalise(raw)
        if tag and tag_name_refused(tag):
            raise ValidationError(TAG_NAME_REFUSED, code="tag_path", params={"tag": tag[:40]})
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def tags_parse(text: str) -> list[str]:
    """Split typed tags, normalise them, drop empties and duplicates (first wins)."""
    # NFKC first, so full-width separators split like ASCII ones.
    return tag_names_clean(TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text or "")))


def tags_join(tags: Iterable[Tag]) -> str:
    """The inverse for form initial values: names joined by a full-width comma."""
    return ",".join(sorted(tag.name for tag in tags))


@transaction.atomic
def tags_merge(*, sources: Iterable[Tag], target: Tag, moderator: User | None = None) -> int:
    """Every item carrying a source tag carries ``target`` instead, once; the sources go.

    Returns how many tagged items were moved. Sends ``tags_merged`` so that the
    search index and the moderation log follow (their receivers).
    """
    merged = [tag for tag in sources if tag.pk != target.pk]
    items = TaggedItem.objects.filter(tag__in=merged).select_related("content_type")
    touched: set[tuple[int, int]] = set()
    moved = 0
    for item in items:
        touched.add((item.content_type_id, item.object_id))
        already = TaggedItem.objects.filter(
            tag=target, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if already:
            item.delete()
        else:
            item.tag = target
            item.save(update_fields=["tag"])
            moved += 1
    names = [tag.name for tag in merged]
    for tag in merged:
        tag.delete()
    pages_changed()
    tags_merged.send(
        sender=target.__class__,
        target=target,
        source_names=names,
        tagged=sorted(touched),
        moderator=moderator,
    )
    return moved
