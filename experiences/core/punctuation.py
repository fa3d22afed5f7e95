"""Chinese punctuation in what the site shows, and a check for it in what we write.

Essays and reflections arrive with ASCII , ; : ! ? ( ) between Chinese
characters (the seed essay has 105 ASCII commas). Pages show them as their
full-width forms; the stored text stays exactly as received. Only marks with
Chinese on both sides change (a ! or ? may also end the text), so code, URLs,
times like 3:30, numbers and Latin text are left alone.

The full-width forms are spelled as escapes: typed literally, they have come
out as their ASCII twins in this codebase before.
"""

import re

FULL_WIDTH = {
    ",": "\uff0c",
    ";": "\uff1b",
    ":": "\uff1a",
    "!": "\uff01",
    "?": "\uff1f",
    "(": "\uff08",
    ")": "\uff09",
}
# Chinese characters and the marks that belong to Chinese text: CJK symbols and
# punctuation (、。「」《》), full-width forms, curly quotes.
CJK_CONTEXT = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2018\u2019\u201c\u201d\u2026"
_BETWEEN = re.compile(rf"(?<=[{CJK_CONTEXT}])([,;:!?])(?=[{CJK_CONTEXT}])")
_AT_END = re.compile(rf"(?<=[{CJK_CONTEXT}])([!?])(?=\s|$|<)")
_OPEN = re.compile(rf"(?<=[{CJK_CONTEXT}])\((?=[{CJK_CONTEXT}])")
_CLOSE = re.compile(rf"(?<=[{CJK_CONTEXT}])\)(?=[{CJK_CONTEXT},;:!?]|\s|$|<)")
# For checking what we write: an ASCII mark touching a Chinese character on either side.
_NEAR = re.compile(rf"[{CJK_CONTEXT}][,;:!?()]|[,;:!?()][{CJK_CONTEXT}]")


def cjk_punctuate(text: str) -> str:
    """``text`` with ASCII , ; : ! ? ( ) inside Chinese text in their full-width forms.

    Safe on sanitised HTML too: only those characters change, never a tag.
    """
    if not text:
        return text
    # Parentheses first: a mark after （…） then has Chinese on its left.
    text = _OPEN.sub(FULL_WIDTH["("], text)
    text = _CLOSE.sub(FULL_WIDTH[")"], text)
    text = _BETWEEN.sub(lambda match: FULL_WIDTH[match.group(1)], text)
    return _AT_END.sub(lambda match: FULL_WIDTH[match.group(1)], text)


def ascii_marks_near_cjk(text: str) -> list[str]:
    """Each place where an ASCII , ; : ! ? ( ) touches a Chinese character, with context."""
    return [text[max(0, m.start() - 6) : m.end() + 6] for m in _NEAR.finditer(text)]
