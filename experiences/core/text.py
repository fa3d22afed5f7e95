"""Cleaning short user-typed text (names, unit, post) and text bound for XML.

Profile fields are shown on one line next to everyone's content, in pages and
in Atom feeds. Characters nobody can see there do harm: C0/C1 controls make
the feed generator refuse the whole feed (a 500 for every reader), bidi
controls reorder what follows them on the page, and zero-width characters let
two different names look identical. Reflection bodies are cleaned by
``markdown.text_clean``; one-line fields are cleaned here, more strictly
(newlines and tabs go too).

Feeds additionally pass every string through :func:`xml_clean`, so text stored
before this cleaning existed, or typed into the admin, still cannot break them.
"""

import re
import unicodedata

# Invisible or layout-changing characters a one-line field never needs (the inside of
# a character class, so that tag names can extend it: tagging/services.py).
INVISIBLE_CLASS = (
    "\x00-\x1f\x7f-\x9f"  # C0 and C1 controls, including tab and newline
    "\u00ad"  # soft hyphen
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u200b-\u200d\u2060-\u2064\ufeff"  # zero-width spaces, joiners, invisible operators
    "\u180e\u2028\u2029"  # Mongolian vowel separator, line and paragraph separators
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: blank-looking "names"
    "\ufff9-\ufffb"  # interlinear annotation marks
)
INVISIBLE_CHARACTERS = re.compile(f"[{INVISIBLE_CLASS}]")

# What XML 1.0 cannot carry at all: most C0 controls, U+FFFE/U+FFFF, lone surrogates.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Look-alikes left after NFKC among the characters usernames may use (ASCII and
# Han), applied after casefolding: 1, i and l, and 0 and o, are told apart only
# by the font; "rn" reads as "m" and "vv" as "w" at a glance.
_LOOK_ALIKES = (("rn", "m"), ("vv", "w"), ("1", "l"), ("i", "l"), ("|", "l"), ("0", "o"))


def line_clean(text: str) -> str:
    """One-line field input → the same text without invisible characters or surrounding blanks."""
    return INVISIBLE_CHARACTERS.sub("", text).strip()


def xml_clean(text: str) -> str:
    """Any text → text an XML 1.0 document can carry (forbidden characters dropped)."""
    return XML_FORBIDDEN.sub("", text)


def name_key(text: str) -> str:
    """A name → what it looks like, for telling whether two names could be mistaken.

    NFKC folds compatibility forms (full-width letters, ligatures), invisible
    characters and spaces are dropped, case is folded and look-alike letters
    and digits are merged. Two names with the same key are refused as the same.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(INVISIBLE_CHARACTERS.sub("", text).split()).casefold()
    for look_alike, same in _LOOK_ALIKES:
        text = text.replace(look_alike, same)
    return text
