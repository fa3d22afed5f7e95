"""Chinese punctuation: on every page for essay and user text, and in every UI string we write.

Pages show ASCII , ; : ! ? ( ) inside Chinese text as full-width (stored text
stays as received); templates and translatable strings are written with
Chinese punctuation, and this scan fails on any ASCII mark next to Chinese.
``manage.py punctuation_fix`` rewrites them (with escapes in Python).
"""

from pathlib import Path

import pytest

from experiences.core.punctuation import ascii_marks_near_cjk, cjk_punctuate
from kb.devtools.punctuation import (
    problems_in_python,
    problems_in_template,
    python_fix,
    template_fix,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("乡镇是末端,是地基。", "乡镇是末端\uff0c是地基。"),
        ("“坚定原则”,更要", "“坚定原则”\uff0c更要"),
        ("我没有听!", "我没有听\uff01"),
        ("对吗?</p>", "对吗\uff1f</p>"),
        ("引语(狄更斯):一个", "引语\uff08狄更斯\uff09\uff1a一个"),
        ("一是;二是", "一是\uff1b二是"),
        # Left alone: times, numbers, Latin text, URLs, code, markup.
        ("会议 3:30 开始", "会议 3:30 开始"),
        ("共 1,000 条", "共 1,000 条"),
        ("Hello, world!", "Hello, world!"),
        ("见 https://kb.example.cn/search/?q=1,2", "见 https://kb.example.cn/search/?q=1,2"),
        ("(UTF-8、GBK)", "(UTF-8、GBK)"),
        ('<a href="/x?a=1">好,的</a>', '<a href="/x?a=1">好\uff0c的</a>'),
    ],
)
def test_cjk_punctuate(shown, expected):
    assert cjk_punctuate(shown) == expected


def test_ascii_marks_near_cjk_finds_each_side():
    assert ascii_marks_near_cjk("标签:群众") and ascii_marks_near_cjk("(标签")
    assert ascii_marks_near_cjk("标签\uff1a群众") == []


def test_the_fixer_escapes_python_and_replaces_in_templates():
    source = 'x = _("请写下正文,不能为空。")\ny = f"心得({name})"\n"""文档,不改。"""\n'
    fixed, count = python_fix(source)
    assert '_("请写下正文\\uff0c不能为空。")' in fixed
    assert "\\uff08{name}\\uff09" in fixed
    assert '"""文档,不改。"""' in fixed
    assert count == 3
    fixed, count = template_fix('{% translate "标签" %}<p>上一条:{{ x }}(共 2 条)</p>')
    assert "上一条\uff1a" in fixed and "\uff08共 2 条\uff09" in fixed
    # The ; that ends an entity is markup.
    assert template_fix("太大了&#xff0c;或者")[0] == "太大了&#xff0c;或者"


def _templates():
    return sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    )


def _python_files():
    for folder in ("experiences", "kb"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_templates_use_chinese_punctuation():
    problems = {
        str(path.relative_to(ROOT)): found
        for path in _templates()
        if (found := problems_in_template(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_script_messages_use_chinese_punctuation():
    """The enhancement script's messages (written with \\u escapes, as in Python)."""
    import re

    script = (ROOT / "static" / "js" / "app.js").read_text(encoding="utf-8")

    def unescape(text: str) -> str:
        return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)

    strings = [unescape(text) for text in re.findall(r'"([^"\n]*)"', script)]
    assert [place for text in strings for place in ascii_marks_near_cjk(text)] == []


def test_translatable_strings_use_chinese_punctuation():
    problems = {
        str(path.relative_to(ROOT)): found
        for path in _python_files()
        if (found := problems_in_python(path.read_text(encoding="utf-8")))
    }
    assert problems == {}
