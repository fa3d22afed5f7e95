"""扫码阅读: the SVG QR code encodes the page's address on SITE_URL.

Nothing here can decode a QR code, so the tests read the SVG back into its
module matrix and compare it with segno's matrix for the expected URL: the
same matrix is the same code, module for module.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template

from experiences.sharing.qr import BORDER, qr_code
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
_COMMAND = re.compile(r"([MmHhVv])\s*(-?[0-9.]+)(?:[ ,](-?[0-9.]+))?")


def svg_elements(body):
    """Every inline <svg> of the page, parsed as XML (well-formed, or the parse fails)."""
    found = re.findall(r"<svg\b.*?</svg>", body, flags=re.S)
    parsed = []
    for markup in found:
        if "xmlns" not in markup:  # inline SVG in HTML may omit it; XML needs it
            markup = markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        parsed.append(ET.fromstring(markup))
    return parsed


def matrix_of(svg):
    """The dark modules the SVG's path draws, as rows of 0/1 without the quiet zone."""
    side = int(float(svg.get("viewBox").split()[2]) / 4)  # scale 4
    grid = [[0] * side for _ in range(side)]
    path = svg.find(f"{SVG}path") if svg.find(f"{SVG}path") is not None else svg.find("path")
    x = y = 0.0
    for command, first, second in _COMMAND.findall(path.get("d")):
        a = float(first)
        if command == "M":
            x, y = a, float(second)
        elif command == "m":
            x, y = x + a, y + float(second)
        elif command == "h":
            for column in range(int(x), int(x + a)):
                grid[int(y)][column] = 1
            x += a
        else:
            raise AssertionError(f"unexpected path command {command}")
    inner = [row[BORDER : side - BORDER] for row in grid[BORDER : side - BORDER]]
    return inner


def segno_matrix(url):
    return [[1 if module else 0 for module in row] for row in qr_code(url).matrix]


def qr_svgs(body):
    return [svg for svg in svg_elements(body) if "qr-code" in (svg.get("class") or "")]


def test_principle_qr_encodes_its_short_link_on_site_url(client, principle, settings):
    settings.SITE_URL = "https://kb.example.cn"
    body = client.get(principle.get_absolute_url()).content.decode()
    assert "扫码阅读" in body and "<details" in body  # on request, no script
    codes = qr_svgs(body)
    assert len(codes) == 2  # on screen (in <details>) and in the printed block
    expected = segno_matrix(f"https://kb.example.cn/p/{principle.pk}")
    for svg in codes:
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert matrix_of(svg) == expected
    assert matrix_of(codes[0]) != segno_matrix(f"http://testserver/p/{principle.pk}")


def test_essay_qr_encodes_its_canonical_url(client, seed_essay, settings):
    from django.utils.encoding import iri_to_uri

    body = client.get(seed_essay.get_absolute_url()).content.decode()
    [screen, printed] = qr_svgs(body)
    expected = segno_matrix(settings.SITE_URL + iri_to_uri(seed_essay.get_absolute_url()))
    assert matrix_of(screen) == expected == matrix_of(printed)


def test_reflection_qr_only_when_published(client, principle, settings):
    reflection = ReflectionFactory(principle=principle)
    body = client.get(reflection.get_absolute_url()).content.decode()
    [screen, _] = qr_svgs(body)
    assert matrix_of(screen) == segno_matrix(f"{settings.SITE_URL}/r/{reflection.pk}")
    author = UserFactory()
    pending = ReflectionFactory(principle=principle, author=author, status="pending")
    client.force_login(author)
    assert qr_svgs(client.get(pending.get_absolute_url()).content.decode()) == []


def test_qr_code_tag_for_other_pages(settings):
    """The reusable tag (学习专题 pages use it): a path or an absolute URL on SITE_URL."""
    settings.SITE_URL = "https://kb.example.cn"
    template = Template("{% load sharing %}{% qr_code url %}")
    for url in ("/study/专题/", "https://kb.example.cn/study/专题/"):
        [svg] = qr_svgs(template.render(Context({"url": url})))
        assert matrix_of(svg) == segno_matrix("https://kb.example.cn/study/%E4%B8%93%E9%A2%98/")
    with pytest.raises(ValueError):
        Template("{% load sharing %}{% qr_code url %}").render(
            Context({"url": "https://evil.example/"})
        )
