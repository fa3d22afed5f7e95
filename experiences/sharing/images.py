"""Share images: the 1200×630 PNG a WeChat card or a link preview shows beside the title.

A principle's card shows the pair as the author wrote it (既要「X」\uff0c更要「Y」, or
又要/也要/还要 as written) in large type with the site's name; an essay's shows its
title and its pairs. They are drawn on the server with Pillow in Noto Sans CJK
(Debian's fonts-noto-cjk; `make` installs it): the previewing apps fetch the
image without running any script.

Drawing takes tens of milliseconds, so each image is kept in the shared cache
under a digest of everything drawn on it (the text, the site name, the layout
version). Changing a principle's text changes the digest: the next request
draws afresh, and the page's og:image URL (which carries the digest) changes
too, so apps that keep their own copy fetch the new one.
"""

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 90
# Part of the digest: bump it when the layout changes, and every image is redrawn.
LAYOUT_VERSION = "1"
CACHE_SECONDS = 30 * 24 * 3600

PAPER = "#fdfaf5"
INK = "#1f2328"
ACCENT = "#a61b1b"
MUTED = "#59636e"

# fonts-noto-cjk's collections hold the JP, KR, SC, TC and HK faces; we want SC.
FONT_FILES = {"bold": "NotoSansCJK-Bold.ttc", "regular": "NotoSansCJK-Regular.ttc"}
FONT_FAMILY = "Noto Sans CJK SC"

# A line never starts with closing punctuation nor ends with an opening one.
_NO_LINE_START = "」』，。、；：！？）》〉…—,.;:!?)"
_NO_LINE_END = "「『（《〈("


class ShareFontMissing(RuntimeError):
    """fonts-noto-cjk is not installed where settings.SHARE_FONT_DIR points."""


@dataclass(frozen=True)
class Block:
    """One run of text on the card: wrapped to the width, in one size and colour."""

    text: str
    size: int
    color: str = INK
    weight: str = "bold"
    space_before: int = 0  # pixels above the block, at full scale


@functools.cache
def font_path(weight: str) -> tuple[Path, int]:
    """The collection file and the index of its Simplified Chinese face."""
    path = Path(settings.SHARE_FONT_DIR) / FONT_FILES[weight]
    if not path.is_file():
        raise ShareFontMissing(
            f"{path} is missing: install Debian's fonts-noto-cjk "
            "(apt-get install -y fonts-noto-cjk, or `make install`), or set KB_SHARE_FONT_DIR."
        )
    for index in range(16):
        try:
            face = ImageFont.truetype(str(path), 20, index=index)
        except OSError:
            break
        if face.getname()[0] == FONT_FAMILY:
            return path, index
    raise ShareFontMissing(f"{path} holds no {FONT_FAMILY} face.")


@functools.lru_cache(maxsize=64)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = font_path(weight)
    return ImageFont.truetype(str(path), size, index=index)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy, character by character (Chinese has no spaces), keeping punctuation rules."""
    lines: list[str] = []
    line = ""
    for character in text:
        if not line or font.getlength(line + character) <= width:
            line += character
            continue
        carried = ""
        if character in _NO_LINE_START and len(line) > 1:
            carried, line = line[-1], line[:-1]  # take a character along with the mark
        while len(line) > 1 and line[-1] in _NO_LINE_END:
            carried, line = line[-1] + carried, line[:-1]
        lines.append(line)
        line = carried + character
    if line:
        lines.append(line)
    return lines


def _ellipsize(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line + "…"


def _layout(
    blocks: list[Block], height: int
) -> list[tuple[Block, ImageFont.FreeTypeFont, list[str]]]:
    """Each block wrapped at the largest scale at which all of them fit in ``height``."""
    width = WIDTH - 2 * MARGIN
    scale = 1.0
    while True:
        laid = []
        total = 0
        for block in blocks:
            font = _font(block.weight, max(12, round(block.size * scale)))
            lines = _wrap(block.text, font, width)
            laid.append((block, font, lines))
            total += round(font.size * 1.35) * len(lines) + round(block.space_before * scale)
        if total <= height:
            return laid
        if scale <= 0.45:
            break
        scale -= 0.05
    # Still too long at the smallest size: cut the last lines that do not fit.
    kept = []
    room = height
    for block, font, lines in laid:
        line_height = round(font.size * 1.35)
        fitting = max(0, room // line_height)
        if fitting < len(lines):
            lines = lines[:fitting]
            if lines:
                lines[-1] = _ellipsize(lines[-1], font, width)
        room -= line_height * len(lines)
        if lines:
            kept.append((block, font, lines))
    return kept


def image_digest(blocks: list[Block], site_name: str) -> str:
    """A digest of everything drawn: equal digests mean identical images."""
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for part in [
        site_name,
        *(f"{b.text}\x00{b.size}\x00{b.color}\x00{b.weight}\x00{b.space_before}" for b in blocks),
    ]:
        digest.update(part.encode() + b"\x01")
    return digest.hexdigest()


def image_draw(blocks: list[Block], site_name: str) -> bytes:
    """The card as PNG bytes: the blocks centred in the upper part, the site name below."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 18), fill=ACCENT)
    footer_top = HEIGHT - 120
    laid = _layout(blocks, footer_top - 60 - 50)
    scale = laid[0][1].size / laid[0][0].size if laid else 1.0
    total = sum(
        round(font.size * 1.35) * len(lines) + round(block.space_before * scale)
        for block, font, lines in laid
    )
    y = 60 + max(0, (footer_top - 60 - 50 - total) // 2)
    for block, font, lines in laid:
        y += round(block.space_before * scale)
        line_height = round(font.size * 1.35)
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=block.color)
            y += line_height
    draw.line((MARGIN, footer_top, WIDTH - MARGIN, footer_top), fill=ACCENT, width=3)
    draw.text((MARGIN, footer_top + 28), site_name, font=_font("bold", 40), fill=ACCENT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_png(blocks: list[Block], site_name: str) -> bytes:
    """The card's PNG, drawn once per distinct content and kept in the shared cache."""
    key = f"share-image:{image_digest(blocks, site_name)}"
    png: bytes | None = cache.get(key)
    if png is None:
        png = image_draw(blocks, site_name)
        cache.set(key, png, CACHE_SECONDS)
    return png
