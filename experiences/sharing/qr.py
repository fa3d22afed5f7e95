"""扫码阅读: a page's address as an SVG QR code, drawn on the server with segno.

Printed pages and screens show it alike; no script is needed to see it. The
code is for absolute URLs on SITE_URL only (``absolute_url``), so what a
phone opens is the site's public address, whatever host served the page.
"""

import functools

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Medium error correction: survives a smudged printout, keeps the code small.
ERROR_LEVEL = "m"
SCALE = 4
BORDER = 4  # the quiet zone scanners need around the code


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url`` (never a Micro QR: phones' cameras do not read those)."""
    return segno.make(url, error=ERROR_LEVEL, micro=False, boost_error=False)


@functools.lru_cache(maxsize=512)
def qr_svg(url: str, label: str) -> SafeString:
    """Inline SVG markup of ``url``'s code, named ``label`` for screen readers.

    segno writes only numbers into the path; the label is escaped here.
    """
    svg = qr_code(url).svg_inline(
        scale=SCALE, border=BORDER, omitsize=True, svgclass="qr-code", lineclass=None
    )
    labelled = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(labelled)  # noqa: S308 -- segno's output, the one text escaped above
