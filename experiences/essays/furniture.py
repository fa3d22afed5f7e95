"""What a WeChat or 公众号 copy carries that is not the essay: its furniture.

An essay copied from a 公众号 article arrives with the page around it: a byline
and date under the title, lines that carry only a section number or an
ornament, photo captions, the 阅读/在看/点赞/分享 footer and the list of other
articles after it. Each line is classified by its *shape* (a category), not
looked up in a list of strings; the parser leaves furniture out and the admin's
preview lists it as removed, so nothing disappears unseen.

Editors' notes and notes about the author (编者按, 作者简介, \uff08作者系……\uff09) are
content, but neither a principle nor the opening: :func:`note_kind` tells
them apart so the parser can keep them aside.

Full-width punctuation is spelled as escapes (see ``patterns.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from experiences.essays.patterns import (
    BYLINE,
    COLONS,
    COMMAS,
    PARENTHESES_CLOSE,
    PARENTHESES_OPEN,
    SEMICOLONS,
)

# The categories, with what the preview calls them.
BYLINE_DATE = "byline"
ORNAMENT = "ornament"
CAPTION = "caption"
PROMPT = "prompt"
FOOTER = "footer"
LABELS = {
    BYLINE_DATE: "署名、日期或来源",
    ORNAMENT: "只有序号或装饰符号的行",
    CAPTION: "图片说明",
    PROMPT: "关注提示",
    FOOTER: "阅读、在看、点赞、分享等页脚及其后的往期文章",
}


@dataclass
class RemovedLine:
    text: str
    category: str

    @property
    def label(self) -> str:
        return LABELS[self.category]


FURNITURE_MAX = 60
"""Furniture is short: a longer line is a sentence of the essay, whatever it opens with."""

_SEP = rf"[\s{COLONS}/\uff0f|\uff5c·•]"
DATE = (
    r"(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"
    rf"|\d{{1,2}}[{COLONS}]\d{{2}}(?:[{COLONS}]\d{{2}})?)"
)
DATE_AFTER_NAME = re.compile(rf"[\s{COLONS}/\uff0f|\uff5c·•]*{DATE}.*$")
# A line that only carries a date or a time (with 发布于, 发表于 and the like around it).
DATE_LINE = re.compile(
    rf"^(?:(?:发布|发表|更新|编辑)(?:时间|日期|于)?{_SEP}*)?(?:{DATE}[\s,]*)+.*$"
)
# Publishing metadata: who published, edited, checked, where it came from.
METADATA_LINE = re.compile(
    r"^[【\[]?(?:原创|来源|本文来源|文章来源|信息来源|转自|本文转自|转载自|编辑|责任编辑|责编"
    r"|审核|审校|校对|排版|监制|出品|策划|统筹|终审|初审|复审|供图|美编|主编|编审)"
    rf"[】\]]?(?:{_SEP}|$)"
)
# Nothing but ornament: no letter, digit or Chinese character at all.
_ORNAMENT_ONLY = re.compile(r"^[^\w\u4e00-\u9fff]*$")
# A lone section number, with or without ornaments: 01, PART 2, 壹, 一、, \uff08三\uff09, 第二部分.
_NUMERALS = "一二三四五六七八九十〇零壹贰叁肆伍陆柒捌玖拾"
LONE_NUMBER = re.compile(
    rf"^(?:(?:part|no|chapter|section)\.?\s*)?(?:\d{{1,2}}|[{_NUMERALS}]{{1,3}})$"
    rf"|^第[{_NUMERALS}\d]{{1,3}}(?:部分|章|节|篇)?$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    rf"^[▲△↑↓▼☝\s]*[{PARENTHESES_OPEN}【\[]?\s*"
    rf"(?:图为|图片来源|图片|图源|摄影|摄像|拍摄|配图|视频来源|视频|图文|图\s*[{COLONS}/\uff0f|\uff5c])"
)
# A line that is a parenthesised remark about a picture: \uff08资料图\uff09, (图片来自网络).
_CAPTION_PARENTHESISED = re.compile(
    rf"^[{PARENTHESES_OPEN}【\[].{{0,30}}(?:图|摄|照片|视频).{{0,30}}[{PARENTHESES_CLOSE}】\]]$"
)
# Marks that belong to sentences: a line of them alone is wrap damage, not ornament.
_TEXT_MARKS = re.compile(
    rf"[“”「」『』‘’\"。{COMMAS}{SEMICOLONS}{COLONS}{PARENTHESES_OPEN}{PARENTHESES_CLOSE}!?\uff01\uff1f]"
)
_POINTER = re.compile(r"^[▲△↑]")
PROMPT_LINE = re.compile(
    r"(?:点击|点|戳)(?:上方|下方|蓝字|标题下|右上角).{0,12}(?:关注|星标|置顶)"
    r"|(?:长按|扫描|扫码|识别).{0,10}(?:二维码|关注)"
    r"|^(?:关注|设为星标|星标)(?:我们|公众号|本号)"
)
# The 公众号 footer: its words (阅读 1.2万, 在看 12, 点赞, 分享, 写留言, 阅读原文…)
# and counts, nothing else; END between dashes; the heading of the list of
# other articles.
_FOOTER_WORDS = "阅读原文|阅读|在看|点赞|赞|分享|转发|收藏|写留言|留言|投诉|喜欢作者|赞赏"
FOOTER_LINE = re.compile(
    rf"^(?:(?:{_FOOTER_WORDS})\s*(?:\d+(?:\.\d+)?\s*[万wWkK千]?\+?)?[\s|\uff5c·•/]*)+$"
    r"|^[-—_=~\s]*end[-—_=~\s]*$",
    re.IGNORECASE,
)
OTHER_ARTICLES = re.compile(
    r"^[【\[〔]?\s*(?:往期推荐|往期回顾|往期精选|往期精彩|精彩推荐|精彩回顾|热文推荐|猜你喜欢|更多精彩"
    r"|喜欢此内容的人还喜欢|近期热文|近期文章)\s*[】\]〕]?\s*"
    rf"[{COLONS}]?\s*$"
)


def _short(line: str) -> bool:
    return len(line) <= FURNITURE_MAX and not any(mark in line for mark in "。" + SEMICOLONS)


def _bare(line: str) -> str:
    """The line without ornaments, ordinal punctuation or spaces: what it really says."""
    return re.sub(rf"[^\w\u4e00-\u9fff]|[、{COMMAS}]|_", "", line)


def furniture_category(line: str) -> str | None:
    """The furniture category of one line, or None if the line may be content.

    An explicit byline (作者\uff1a…, 文/…) is not furniture: it names the author.
    """
    if not _short(line):
        return None
    if FOOTER_LINE.match(line) or OTHER_ARTICLES.match(line):
        return FOOTER
    if PROMPT_LINE.search(line):
        return PROMPT
    if (_ORNAMENT_ONLY.match(line) and not _TEXT_MARKS.search(line)) or LONE_NUMBER.match(
        _bare(line)
    ):
        return ORNAMENT
    if _CAPTION.match(line) or _CAPTION_PARENTHESISED.match(line):
        return CAPTION
    if _POINTER.match(line) and not any(mark in line for mark in COMMAS):
        return CAPTION
    if BYLINE.match(line):
        return None  # the parser reads the author from it (and drops a date after the name)
    if any(mark in line for mark in COMMAS):
        return None  # a sentence that happens to open with a date or a name
    if DATE_LINE.match(line) or METADATA_LINE.match(line):
        return BYLINE_DATE
    if line.startswith("原创"):
        return BYLINE_DATE
    return None


def furniture_remove(lines: list[str]) -> tuple[list[str], list[RemovedLine]]:
    """The lines that may be content, and the furniture left out, in order.

    The 公众号 footer ends the article: the footer line (or the heading of a
    往期推荐 list) and everything after it — the list of other articles, their
    summaries, a 推荐阅读 among them — is furniture, never 延伸阅读. A 推荐阅读
    with no footer before it still opens related reading.
    """
    kept: list[str] = []
    removed: list[RemovedLine] = []
    for index, line in enumerate(lines):
        category = furniture_category(line)
        if category == FOOTER:
            removed.extend(RemovedLine(text=rest, category=FOOTER) for rest in lines[index:])
            break
        if category is None:
            kept.append(line)
        else:
            removed.append(RemovedLine(text=line, category=category))
    return kept, removed


# Notes that are neither principles nor the opening.
EDITOR_NOTE = "editor"
AUTHOR_NOTE = "author"
NOTE_LABELS = {EDITOR_NOTE: "编者按", AUTHOR_NOTE: "作者简介"}
_EDITOR_NOTE = re.compile(
    rf"^[【\[〔{PARENTHESES_OPEN}]?\s*(?:编者按|编者的话|编者注|编者附记|编后语|编后|编辑按|按语|导读|前言|题记|小编说)"
    rf"\s*[】\]〕{PARENTHESES_CLOSE}]?\s*[{COLONS}]?"
)
_AUTHOR_NOTE = re.compile(
    rf"^[【\[〔{PARENTHESES_OPEN}]?\s*(?:作者简介|关于作者|作者介绍|作者系|作者为|作者是|作者单位)"
)


def note_kind(line: str) -> str | None:
    """``editor`` for an editor's note or preface, ``author`` for a note about the author."""
    if _EDITOR_NOTE.match(line):
        return EDITOR_NOTE
    if _AUTHOR_NOTE.match(line):
        return AUTHOR_NOTE
    return None


def note_marker_alone(line: str) -> bool:
    """编者按 or 作者简介 alone on its line: the note is the line after it."""
    match = _EDITOR_NOTE.match(line) or _AUTHOR_NOTE.match(line)
    return match is not None and not line[match.end() :].strip()
