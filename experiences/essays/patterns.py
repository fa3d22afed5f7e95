"""How the genre is written, as patterns: punctuation either way, headings, ordinals, markers.

Punctuation is accepted as typed, ASCII or full-width. The full-width forms
(U+FF0C \uff0c U+FF1B \uff1b U+FF1A \uff1a U+FF01 \uff01 U+FF1F \uff1f U+FF08 \uff08 U+FF09 \uff09)
are spelled as escapes: typed literally, they have come out as their ASCII
twins in this codebase before (a test checks every class holds both).
"""

import re

OPENING_QUOTES = '“"「『‘'
CLOSING_QUOTES = '”"」』’'
QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’"}
CJK = r"\u4e00-\u9fff"

# Punctuation as typed either way: ASCII, or full-width (the Halfwidth and
# Fullwidth Forms block). Spelled as escapes: typed literally, the full-width
# forms have come out as their ASCII twins in this codebase before.
COMMAS = ",\uff0c"
SEMICOLONS = ";\uff1b"
COLONS = ":\uff1a"
EXCLAMATIONS = "!\uff01"
QUESTIONS = "?\uff1f"
PARENTHESES_OPEN = "(\uff08"
PARENTHESES_CLOSE = ")\uff09"
SENTENCE_ENDS = "。…." + EXCLAMATIONS + QUESTIONS

# 延伸阅读, 查看更多… alone on a line (or ending one), in 【】 or 〔〕, with a colon or not.
RELATED_MARKER = re.compile(
    r"[【〔\[]?\s*(?:查看更多|延伸阅读|相关阅读|相关文章|推荐阅读)\s*[】〕\]]?\s*"
    rf"[{COLONS}]?\s*$"
)

# Chinese ordinals that may open a heading: 一、 \uff08一\uff09 1. 2、 第一\uff0c
NUMERALS = "一二三四五六七八九十"
ORDINAL = (
    rf"(?:[{NUMERALS}]+、|[{PARENTHESES_OPEN}][{NUMERALS}\d]+[{PARENTHESES_CLOSE}]\s*"
    rf"|\d+[.\uff0e、]\s*|第[{NUMERALS}]+[{COMMAS}、{COLONS}]?\s*)"
)

BASELINE_WORDS = ("既要", "又要")
# The word that joins the halves, as the author wrote it (stored as ``connective``).
CONNECTIVES = ("更要", "也要", "还要", "又要")


def _half(name: str) -> str:
    """One quoted half of a heading: the quote marks are checked for pairing afterwards."""
    return (
        rf"(?P<{name}_open>[{OPENING_QUOTES}])"
        rf"(?P<{name}>[^{CLOSING_QUOTES}{OPENING_QUOTES}\n]{{1,20}})"
        rf"(?P<{name}_close>[{CLOSING_QUOTES}])"
    )


# A lead of up to 20 characters (干工作, 做好新时代社区工作), after an ordinal or not.
HEADING = re.compile(
    rf"(?P<lead>{ORDINAL}?"
    rf"[^\s。{EXCLAMATIONS}{QUESTIONS}{SEMICOLONS}{COMMAS}{COLONS}{OPENING_QUOTES}{CLOSING_QUOTES}]{{0,20}}?)"
    rf"(?P<opener>{'|'.join(BASELINE_WORDS)})\s*"
    + _half("baseline")
    + rf"\s*[{COMMAS}、{SEMICOLONS}]?\s*"
    rf"(?P<connective>{'|'.join(CONNECTIVES)})\s*"
    + _half("emphasis")
    + rf"(?P<end>[。.{EXCLAMATIONS}{QUESTIONS}{COLONS}{SEMICOLONS}]?)"
)

# Headings alone on their line, in all the genre's usual shapes (``line_heading``
# in parser.py). Broader than HEADING, which may stand inside a paragraph, so
# only a whole line can match: a sentence such as 我们不仅有干部身份\uff0c更要有群众底色
# inside a paragraph stays a sentence.
CIRCLED = "①-⑳"
LINE_ORDINAL = re.compile(
    rf"^(?:{ORDINAL}"
    rf"|[{CIRCLED}]\s*"
    rf"|[壹贰叁肆伍陆柒捌玖拾]+、"
    rf"|\d+[{PARENTHESES_CLOSE}]\s*"
    rf"|[{NUMERALS}]+是[{COMMAS}{COLONS}]?\s*"
    rf"|其[{NUMERALS}]+[{COMMAS}、{COLONS}]\s*"
    rf"|第[{NUMERALS}\d]+条[{COMMAS}、{COLONS}]?\s*"
    rf"|第[{NUMERALS}]+是[{COMMAS}{COLONS}]?\s*)"
)
LINE_HEADING_MAX = 48
LINE_HEADING_END = rf"[。.{EXCLAMATIONS}{QUESTIONS}{COLONS}{SEMICOLONS}]"
# Openers and the connectives that may follow each: 既要…更要…, 不仅要…还要…, 要…不要…
LINE_OPENERS = ("不仅要", "不但要", "不只要", "不光要", "既要", "又要", "不仅", "不但", "要")
LINE_CONNECTIVES = (
    "更要",
    "也要",
    "还要",
    "又要",
    "而且要",
    "更需要",
    "更需",
    "更应",
    "不要",
    "而不是",
    "而非",
)
# A contrast stated without a connective: 多…少…, 重…轻…, 宁…不…
CONTRASTS = {
    "多": "少",
    "少": "多",
    "重": "轻",
    "轻": "重",
    "宁可": "不可",
    "宁": "不",
    "先": "后",
}
# Two quoted halves weighed against each other: “留痕”不如“留心”.
COMPARISONS = ("不如", "胜于", "重于", "大于", "而非", "而不是")

# Quotations: "X曾言:…", "正如X所说,“…”", "正如“…”" / "俗话说“…”" (a saying).
QUOTATION_SAID = re.compile(
    rf"(?:^|(?<=[{SENTENCE_ENDS}{SEMICOLONS}{COMMAS}{COLONS} ]))"
    rf"(?:正如)?(?P<source>[{CJK}·]{{2,8}}?)"
    rf"(?:曾经说过|曾言|曾说|说过|所说|指出|有言)[{COLONS}{COMMAS}]?\s*"
    rf"(?:[{OPENING_QUOTES}](?P<quoted>[^{CLOSING_QUOTES}]+)[{CLOSING_QUOTES}]"
    rf"|(?P<plain>[^{SENTENCE_ENDS}]+[{SENTENCE_ENDS}]))"
)
QUOTATION_SAYING = re.compile(
    rf"(?:正如|俗话说|常言道|古人云|俗语说)[{COLONS}{COMMAS}]?\s*"
    rf"[{OPENING_QUOTES}](?P<quoted>[^{CLOSING_QUOTES}]+)[{CLOSING_QUOTES}]"
)
SAYING_SOURCE = "俗语"

# Only an explicit byline names the author: 作者\uff1a张三, 文/李四, 撰稿 王五.
BYLINE = re.compile(
    rf"^(?:作者|文|撰文|撰稿|供稿)\s*[{COLONS}/\uff0f|\uff5c\s]\s*(?P<name>\S.{{0,29}})$"
)

# Words that open an essay's closing rather than a principle's last paragraph.
CONCLUSION_MARKERS = (
    "总之",
    "总而言之",
    "综上",
    "总的来说",
    "最后,",  # ascii-on-purpose: texts arrive with either comma
    "最后\uff0c",
    "回首",
    "回望",
    "以上",
    "写在最后",
    "结束语",
)

TITLE_MAX = 40
