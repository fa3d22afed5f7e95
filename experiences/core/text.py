"""The one rule for invisible characters in text people type, and text bound for XML.

Everything a person types (reflection titles and bodies, replies, tags, display
names, units and posts, flag details, drafts, study topics, rejection reasons)
is shown next to everyone's content, in pages and in Atom feeds. Characters
nobody can see there do harm: C0/C1 controls make the feed generator refuse
the whole feed (a 500 for every reader), bidi controls (U+202E and the like)
reorder what follows them on the page, and zero-width characters and soft
hyphens let two different texts look identical. So every such text drops them
on input, by one rule (``INVISIBLE_RULE``): every format character (Unicode
category Cf: bidi embeddings, overrides, isolates and marks, zero-width space,
non-joiner and joiner, word joiner and invisible operators, BOM, soft hyphen,
tag characters, ...), every control character (Cc), line and paragraph
separators, and the blank-looking Hangul fillers; no-break and other odd spaces
become a plain space. The essay importer cleans what it reads by the same rule
(essays/parser.py ``text_normalize``). One-line fields
(:func:`line_clean`) drop tab and newline with the rest; multi-line text
(:func:`text_clean`) keeps them (and turns CR LF and CR into LF).

The zero-width joiner (U+200D) goes too, also inside emoji sequences: a family
emoji then shows as its members side by side. It is the character that makes
two names or titles look alike, and one rule everywhere is simpler to trust
than exceptions. Variation selectors stay (emoji presentation, ideographic
variants of Han characters in names); tag names drop them as well, for telling
tags apart (tagging/services.py).

Feeds additionally pass every string through :func:`xml_clean`, so text stored
before this cleaning existed, or typed into the admin, still cannot break them.
"""

import re
import unicodedata

# Unicode's format characters (category Cf, as of Unicode 14: Python 3.11's
# unicodedata; tests/site/test_invisible_characters.py checks none is missing).
FORMAT_CLASS = (
    "\u00ad"  # soft hyphen
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"  # Arabic marks, letter mark
    "\u180e"  # Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, non-joiner, joiner; left-to-right, right-to-left marks
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u206f"  # word joiner, invisible operators, bidi isolates, deprecated formats
    "\ufeff\ufff9-\ufffb"  # byte order mark (zero-width no-break space), annotation marks
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"  # language tag and tag characters
)
# Not format characters, but as invisible on a page.
BLANK_CLASS = (
    "\u2028\u2029"  # line and paragraph separators
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: blank-looking "names"
)
# The rule for one-line fields, as the inside of a character class (tag names extend
# it: tagging/services.py): all controls (C0, DEL, C1; tab and newline among them).
INVISIBLE_CLASS = "\x00-\x1f\x7f-\x9f" + FORMAT_CLASS + BLANK_CLASS
INVISIBLE_CHARACTERS = re.compile(f"[{INVISIBLE_CLASS}]")
# The same rule for multi-line text: tab and newline are kept (CR is made LF first).
INVISIBLE_RULE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{FORMAT_CLASS}{BLANK_CLASS}]")

# Spaces that look like a space but are not one (no-break, figure, thin, narrow no-break,
# medium mathematical): Word and WeChat put them in pasted text. Made a plain space.
# The ideographic space U+3000 is ordinary Chinese typing and stays.
ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")

# What XML 1.0 cannot carry at all: most C0 controls, U+FFFE/U+FFFF, lone surrogates.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Look-alikes left after NFKC among the characters usernames may use (ASCII and
# Han), applied after casefolding: 1, i and l, and 0 and o, are told apart only
# by the font; "rn" reads as "m" and "vv" as "w" at a glance.
_LOOK_ALIKES = (("rn", "m"), ("vv", "w"), ("1", "l"), ("i", "l"), ("|", "l"), ("0", "o"))


def line_clean(text: str) -> str:
    """One-line field input → the same text without invisible characters or surrounding blanks."""
    return ODD_SPACES.sub(" ", INVISIBLE_CHARACTERS.sub("", text)).strip()


def text_clean(text: str) -> str:
    """Multi-line input → line endings made LF, invisible characters dropped (tab and LF kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ODD_SPACES.sub(" ", INVISIBLE_RULE.sub("", text))


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
