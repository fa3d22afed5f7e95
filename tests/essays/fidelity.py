"""The seed essay's fidelity check, shared by the essay page test and the restore test.

Every sentence of the received text before 查看更多 appears once, in order, in the
rebuilt essay page (with the importer's three recorded repairs applied by hand).
"""

import html
import re

from experiences.core.punctuation import cjk_punctuate


def visible_text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, whitespace removed."""
    text = re.sub(r"<[^>]+>", "", markup)
    return re.sub(r"\s+", "", html.unescape(text))


def essay_article(markup: str) -> str:
    start = markup.index('<article class="essay">')
    return markup[start : markup.index("</article>", start)]


def assert_essay_fidelity(page: str, seed_text: str) -> None:
    """``page``: the essay page's HTML; ``seed_text``: the essay as received."""
    rebuilt = visible_text(essay_article(page))
    received = seed_text.split("查看更多")[0]
    # The line-wrap repairs the importer records, applied by hand here.
    received = (
        received.replace("去服。\n务", "去服务")
        .replace("人。\n民武装", "人民武装")
        .replace("集合体。\n”", "集合体。”\n")
    )
    # Pages show Chinese punctuation; the stored text stays as received.
    received = cjk_punctuate(received)
    sentences = [
        s
        for s in (
            re.sub(r"\s+", "", part)
            for part in re.split("(?<=[。!?;:\uff01\uff1f\uff1b\uff1a])", received)
        )
        if s
    ]
    assert len(sentences) > 45
    cursor = 0
    for sentence in sentences:
        found = rebuilt.find(sentence, cursor)
        assert found >= cursor, f"missing or out of order: {sentence}"
        cursor = found + len(sentence)
        assert rebuilt.count(sentence) == re.sub(r"\s+", "", received).count(sentence)
    assert "党和**的形象" in rebuilt
