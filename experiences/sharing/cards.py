"""What a shared link shows: the share card (og:* tags) of each kind of public page.

One function per kind of page gives the card's title, plain-text description,
image and canonical URL, all absolute from ``settings.SITE_URL``: the tags are
the same for every reader, so anonymous pages stay cacheable, and no Host
header a client sends can end up in them.
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from experiences.core.punctuation import cjk_punctuate
from experiences.core.site import absolute_url
from experiences.essays.models import Essay, Principle
from experiences.reflections.models import Reflection
from experiences.sharing.images import ACCENT, INK, Block, image_digest

DESCRIPTION_LENGTH = 120
MUTED_INK = "#3d4650"
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str
    url: str
    image: str
    type: str = "website"


def site_name() -> str:
    return _("基层心得知识库")


def site_description() -> str:
    return _("基层干部的心得体会\uff1a原则、心得与交流。")


def plain_excerpt(paragraphs: list[str], *, length: int = DESCRIPTION_LENGTH) -> str:
    """Plain paragraphs → one line of at most ``length`` characters (plus …), as pages show it."""
    text = _WHITESPACE.sub(" ", " ".join(paragraphs)).strip()
    if len(text) > length:
        text = text[:length].rstrip() + "…"
    return cjk_punctuate(text)


def principle_blocks(principle: Principle) -> list[Block]:
    """The pair as the author wrote it; the half after 更要 in the accent colour."""
    second = ACCENT if principle.is_emphatic else INK
    return [
        Block(f"{principle.opener}「{principle.baseline}」\uff0c", 84),
        Block(f"{principle.connective}「{principle.emphasis}」", 84, color=second),
    ]


def essay_blocks(essay: Essay, principles: list[Principle]) -> list[Block]:
    """The essay's title, then its pairs (at most four) in smaller type."""
    blocks = [Block(cjk_punctuate(essay.title), 76)]
    blocks += [
        Block(p.label, 34, color=MUTED_INK, weight="regular", space_before=28 if i == 0 else 0)
        for i, p in enumerate(principles[:4])
    ]
    return blocks


def site_blocks() -> list[Block]:
    return [Block(site_name(), 96, color=ACCENT), Block(site_description(), 44, space_before=16)]


def _image_url(name: str, blocks: list[Block], **kwargs: int) -> str:
    # The digest in the URL: a changed text is a new URL, which apps fetch afresh.
    version = image_digest(blocks, site_name())[:16]
    return absolute_url(reverse(f"experiences:{name}", kwargs=kwargs)) + f"?v={version}"


def site_image_url() -> str:
    return _image_url("share_site_image", site_blocks())


def default_card(path: str) -> ShareCard:
    return ShareCard(
        title=site_name(),
        description=site_description(),
        url=absolute_url(path),
        image=site_image_url(),
    )


def principle_card(principle: Principle) -> ShareCard:
    return ShareCard(
        title=principle.label,
        description=plain_excerpt(principle.paragraphs) or cjk_punctuate(principle.heading),
        url=absolute_url(principle.get_absolute_url()),
        image=_image_url("share_principle_image", principle_blocks(principle), pk=principle.pk),
        type="article",
    )


def essay_card(essay: Essay) -> ShareCard:
    principles = list(essay.principles.all())
    return ShareCard(
        title=cjk_punctuate(essay.title),
        description=plain_excerpt(essay.opening_paragraphs)
        or "\uff1b".join(p.label for p in principles),
        url=absolute_url(essay.get_absolute_url()),
        image=_image_url("share_essay_image", essay_blocks(essay, principles), pk=essay.pk),
        type="article",
    )


def reflection_card(reflection: Reflection) -> ShareCard:
    """A published reflection: its title and excerpt, with its principle's image if it has one."""
    principle = reflection.principle
    # A principle of a draft essay has no public image (its URL would be a 404).
    public = principle is not None and principle.essay.status == Essay.Status.PUBLISHED
    image = (
        _image_url("share_principle_image", principle_blocks(principle), pk=principle.pk)
        if principle is not None and public
        else site_image_url()
    )
    return ShareCard(
        title=cjk_punctuate(str(reflection.display_title)),
        description=reflection.excerpt,
        url=absolute_url(reflection.get_absolute_url()),
        image=image,
        type="article",
    )


def tag_card(name: str) -> ShareCard:
    return ShareCard(
        title=_("标签\uff1a%(name)s") % {"name": name},
        description=_("带“%(name)s”标签的原则和同事们的心得。") % {"name": name},
        url=absolute_url(reverse("experiences:tag_detail", kwargs={"name": name})),
        image=site_image_url(),
    )
