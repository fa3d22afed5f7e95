"""Invisible characters from WeChat and Word never reach a stored essay (issue 29, item 1).

The importer cleans what it reads by the rule colleagues' text follows
(experiences/core/text.py): the same essay pasted with zero-width characters,
word joiners, a BOM inside the text, soft hyphens and no-break spaces, and lines
made only of them, imports to exactly the essay the clean text gives.
"""

import pytest

from experiences.core.text import INVISIBLE_RULE, ODD_SPACES, line_clean, text_clean
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Principle

# What Word and WeChat leave in pasted text (escapes: none of them can be seen).
ZWSP, ZWNJ, ZWJ, WJ = "\u200b", "\u200c", "\u200d", "\u2060"
BOM, NBSP, SHY = "\ufeff", "\u00a0", "\u00ad"


def soiled(text: str) -> str:
    """The seed essay as a WeChat copy arrives: invisible characters inside headings and
    sentences, no-break spaces, and lines holding nothing else."""
    lines = text.split("\n")
    out = []
    for number, line in enumerate(lines):
        if "\u65e2\u8981" in line:  # 既要: a heading line gets them inside its halves
            line = line.replace("\u65e2\u8981", "\u65e2" + ZWSP + "\u8981", 1).replace(
                "\u66f4\u8981", "\u66f4" + WJ + "\u8981", 1
            )
        elif len(line) > 10:
            middle = len(line) // 2
            line = line[:middle] + SHY + ZWJ + line[middle:] + BOM
        out.append(NBSP + line if number % 3 == 0 else line)
        if number % 4 == 0:
            out.append(ZWSP + ZWNJ + NBSP)  # a line that only looks empty
    return BOM + "\n".join(out)


def essay_parts(essay: Essay) -> list:
    principles = Principle.objects.filter(essay=essay).order_by("position")
    return [
        essay.title,
        essay.opening,
        essay.closing,
        [(p.heading, p.baseline, p.emphasis, p.body) for p in principles],
    ]


@pytest.mark.django_db
def test_a_soiled_copy_imports_to_the_same_essay_as_the_clean_text(seed_text):
    assert ZWSP in soiled(seed_text) and NBSP in soiled(seed_text)
    clean = essay_parts(essay_import(text=seed_text).essay)
    Essay.objects.all().delete()
    dirty = essay_parts(essay_import(text=soiled(seed_text)).essay)
    assert dirty == clean


@pytest.mark.django_db
def test_no_invisible_character_or_empty_paragraph_is_stored(seed_text):
    essay = essay_import(text=soiled(seed_text)).essay
    stored = [essay.title, essay.opening, essay.closing]
    for principle in Principle.objects.filter(essay=essay):
        stored += [principle.heading, principle.baseline, principle.emphasis, principle.body]
    for text in stored:
        assert not INVISIBLE_RULE.search(text), repr(text)
        assert not ODD_SPACES.search(text), repr(text)
    for block in (essay.opening, essay.closing):
        assert all(line.strip() for line in block.split("\n") if block), repr(block)


def test_one_rule_for_the_importer_and_for_what_colleagues_type():
    typed = "\u57fa" + ZWSP + "\u5c42" + NBSP + "\u5e72" + SHY + "\u90e8" + WJ
    assert text_clean(typed) == line_clean(typed) == "\u57fa\u5c42 \u5e72\u90e8"
