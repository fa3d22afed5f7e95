"""Finding and fixing ASCII punctuation next to Chinese in what we write (templates, messages).

UI strings use Chinese punctuation: 标签\uff1a群众工作, not 标签:群众工作. Typing
the full-width forms into this codebase has produced their ASCII twins, so
nobody should have to: ``manage.py punctuation_fix`` rewrites them — as
``\\uXXXX`` escapes in Python string literals, as the characters themselves in
templates — and the test suite fails on any that remain.
"""

from __future__ import annotations

import ast
import html
import io
import re
import tokenize
from collections.abc import Callable, Sequence

from experiences.core.punctuation import CJK_CONTEXT, FULL_WIDTH, ascii_marks_near_cjk

TRANSLATION_FUNCTIONS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
_MARK_NEAR_NOT_PARENTHESES = re.compile(rf"(?<=[{CJK_CONTEXT}])[,;:!?]|[,;:!?](?=[{CJK_CONTEXT}])")
_TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1[^%]*%\}""")
_ENTITY = re.compile(r"&#?[0-9A-Za-z]+;")
_TEMPLATE_VARIABLE = re.compile(r"\{\{.*?\}\}")
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_HTML_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.S)


# Inside a pair: anything but parentheses, except Python's %(name)s placeholders.
_INNER = r"((?:[^()\n]|%\([a-z_]+\))*)"
_PARENTHESES_NEAR = re.compile(
    rf"(?<=[{CJK_CONTEXT}])\({_INNER}\)|\({_INNER}\)(?=[{CJK_CONTEXT}])"
    rf"|\((?=[{CJK_CONTEXT}]){_INNER}\)"
)
# A line that holds ASCII marks on purpose (a pattern listing both forms) says so.
ON_PURPOSE = "ascii-on-purpose"


def _escape(mark: str) -> str:
    return "\\u" + format(ord(FULL_WIDTH[mark]), "04x")


def _marks_fix(
    text: str, replace: Callable[[str], str], *, keep: Sequence[tuple[int, int]] = ()
) -> tuple[str, int]:
    """Parentheses as pairs (both or neither), then the other marks one by one; nothing
    inside the ``keep`` spans (an f-string's {…} expressions) changes."""
    pairs = 0

    def kept(start: int, end: int) -> bool:
        return any(a <= start < b or a < end <= b for a, b in keep)

    def pair(match: re.Match[str]) -> str:
        nonlocal pairs
        if kept(match.start(), match.start() + 1) or kept(match.end() - 1, match.end()):
            return match.group(0)
        pairs += 1
        inner = next(group for group in match.groups() if group is not None)
        return replace("(") + inner + replace(")")

    def mark(match: re.Match[str]) -> str:
        return match.group(0) if kept(match.start(), match.end()) else replace(match.group(0))

    if keep:
        # Replacements change lengths: find each kind of mark on the original text.
        edits = [(m.start(), m.end(), pair(m), 2) for m in _PARENTHESES_NEAR.finditer(text)]
        edits += [
            (m.start(), m.end(), mark(m), 1)
            for m in _MARK_NEAR_NOT_PARENTHESES.finditer(text)
            if not any(a <= m.start() < b for a, b, _, _ in edits)
        ]
        changed = 0
        for start, end, replacement, weight in sorted(edits, reverse=True):
            if replacement != text[start:end]:
                changed += weight
                text = text[:start] + replacement + text[end:]
        return text, changed
    text = _PARENTHESES_NEAR.sub(pair, text)
    text, count = _MARK_NEAR_NOT_PARENTHESES.subn(mark, text)
    return text, count + 2 * pairs


def _is_docstring(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    before = next((t for t in reversed(tokens[:index]) if t.type != tokenize.NL), None)
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    starts = before is None or before.type in {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    return starts and (after is None or after.type in {tokenize.NEWLINE, tokenize.ENDMARKER})


def python_fix(source: str) -> tuple[str, int]:
    """Escape ASCII marks touching Chinese in non-raw, single-line string literals
    (docstrings, comments and lines marked ``ascii-on-purpose`` are left alone)."""
    fixed = 0
    lines = source.splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.type != tokenize.STRING or token.start[0] != token.end[0]:
            continue  # multi-line strings are prose, left alone
        if ON_PURPOSE in lines[token.start[0] - 1] or _is_docstring(tokens, index):
            continue
        prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBfFuU"))].lower()
        if "r" in prefix or "b" in prefix:
            continue
        # In an f-string, nothing inside {…}: a backslash is not allowed there.
        keep = [m.span() for m in re.finditer(r"\{[^{}]*\}", token.string)] if "f" in prefix else []
        text, count = _marks_fix(token.string, _escape, keep=keep)
        if count:
            row, (start, end) = token.start[0] - 1, (token.start[1], token.end[1])
            lines[row] = lines[row][:start] + text + lines[row][end:]
            fixed += count
    return "".join(lines), fixed


def python_translatable(source: str) -> list[str]:
    """The literal strings passed to Django's translation functions."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in TRANSLATION_FUNCTIONS:
            for argument in node.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.append(argument.value)
    return found


def template_fix(source: str) -> tuple[str, int]:
    """Replace ASCII marks touching Chinese in a template's text and translated strings
    (the ; that ends an HTML entity such as &#xff0c; is markup, and stays)."""
    keep = [match.span() for match in _ENTITY.finditer(source)]
    return _marks_fix(source, lambda mark: FULL_WIDTH[mark], keep=keep)


def template_text(source: str) -> str:
    """Roughly what a template shows: translated strings kept, variables as one Chinese
    character (they mostly show Chinese text), other tags and markup dropped."""
    text = _TEMPLATE_TRANSLATE.sub(lambda match: match.group(2), source)
    text = _TEMPLATE_VARIABLE.sub("字", text.replace("://", " "))
    text = _TEMPLATE_TAG.sub("", text)
    return html.unescape(_HTML_TAG.sub(" ", text))


def problems_in_template(source: str) -> list[str]:
    return ascii_marks_near_cjk(template_text(source))


def problems_in_python(source: str) -> list[str]:
    return [place for text in python_translatable(source) for place in ascii_marks_near_cjk(text)]
