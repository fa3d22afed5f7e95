"""Reflection bodies: the Markdown subset renders, and no XSS payload survives."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from experiences.core.markdown import ALLOWED_TAGS, markdown_render, text_clean

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">点我</a>',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](javascript&#58;alert(1))",
    "[点我](&#106;avascript:alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x "onerror=alert(1)")',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    '<a href="java\tscript:alert(1)">x</a>',
    "[x](java\nscript:alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="https://example.cn" onclick="alert(1)">x</a>',
    "<p onmouseover=alert(1)>悬停</p>",
    "<video><source onerror=alert(1)></video>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    '[x](https://example.cn" onmouseover="alert(1))',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
]


class ElementCollector(HTMLParser):
    """The elements and attributes a browser would build from the HTML (text is harmless)."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_neutralized(payload):
    html = markdown_render(f"前文\n\n{payload}\n\n后文")
    for tag, attributes in elements_of(html):
        assert tag in ALLOWED_TAGS, html
        assert all(not name.startswith("on") for name in attributes), html
        assert set(attributes) <= {"href", "title", "rel", "start"}, html
        href = attributes.get("href")
        if href is not None:
            assert urlsplit(href.strip()).scheme in {"", "http", "https", "mailto"}, html
    assert "<script" not in html.lower()
    assert "前文" in html and "后文" in html


def test_safe_subset_renders():
    html = markdown_render(
        "# 标题\n\n**加粗** *斜体*\n\n- 一\n- 二\n\n> 引用\n\n[链接](https://example.cn)"
    )
    assert "<h3>标题</h3>" in html
    assert "<strong>加粗</strong>" in html and "<em>斜体</em>" in html
    assert "<li>一</li>" in html and "<blockquote>" in html
    assert '<a href="https://example.cn" rel="nofollow noopener noreferrer ugc">链接</a>' in html


def test_typed_html_is_shown_as_text():
    assert "&lt;b&gt;" in markdown_render("<b>不是粗体</b>")


def test_text_clean_drops_control_characters_but_keeps_lines():
    assert text_clean("一\x00二\r\n三\x1b\t四\u200b") == "一二\n三\t四"
