"""Who may be called what: the rules that keep one colleague from passing for another.

A reader tells authors apart by the name shown beside their words, so a new
name must not read as someone else's. The rules are strict and simple to
explain: a username uses English letters, digits, Han characters and a few
symbols, typed as-is (no full-width forms, ligatures or letters of other
scripts that look Latin); and neither a username nor a display name may look
like another person's username or display name (see ``text.name_key``).

The forms call these checks; the messages are shown to the person typing.
"""

import re
import unicodedata
from collections.abc import Iterator

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from experiences.accounts.models import DELETED_NAME, User
from experiences.core.text import name_key

USERNAME_CHARACTERS_MESSAGE = _(
    "用户名只能使用英文字母、数字、汉字和 . _ - @ + 符号"
    "\uff08不能用全角字符或其他文字的字母\uff09。"
)
USERNAME_TAKEN_MESSAGE = _("这个用户名已被使用。")
USERNAME_LOOKS_TAKEN_MESSAGE = _(
    "这个用户名和已有的名字太像\uff08只差大小写\uff0c或 1、l、I、0、O 这类容易看错的字符\uff09"
    "\uff0c请换一个。"
)
DISPLAY_NAME_TAKEN_MESSAGE = _("这个显示名已被其他同事使用\uff0c请换一个。")
DISPLAY_NAME_SCRIPTS_MESSAGE = _(
    "显示名里混用了外形相近的不同文字\uff08例如把西里尔字母当英文字母用\uff09\uff0c请只用一种。"
)

NAME_RESERVED_MESSAGE = _("“已注销用户”用来标明已注销的账号，名字里不能包含它，请换一个。")

_ASCII_USERNAME_CHARACTER = re.compile(r"[A-Za-z0-9._@+\-]")


def _username_character_allowed(character: str) -> bool:
    if _ASCII_USERNAME_CHARACTER.fullmatch(character):
        return True
    # Han only: compatibility ideographs and radicals are refused, NFKC would change them.
    return unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH")


def username_characters_check(*, typed: str) -> None:
    """Refuse a username, as typed (before NFKC), that uses anything but the allowed characters.

    Checked before normalisation: NFKC would quietly turn "\ufb01lice" into
    "filice" and full-width letters into ASCII, so the name someone chose is
    not the name they get.
    """
    if not typed or not all(_username_character_allowed(c) for c in typed):
        raise ValidationError(USERNAME_CHARACTERS_MESSAGE, code="invalid")


def name_reserved_check(*, name: str) -> None:
    """Refuse a name that reads as the label of a deleted account: no one may pass for one."""
    if name_key(str(DELETED_NAME)) in name_key(name):
        raise ValidationError(NAME_RESERVED_MESSAGE, code="reserved")


def _names_of_others(exclude_pk: int | None) -> Iterator[tuple[str, str]]:
    # Every user, compared in Python: the look-alike key has no database index
    # (that would need a stored column). A colleague directory is small.
    users = User.objects.all()
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.values_list("username", "display_name").iterator()


def username_check(*, username: str, exclude_pk: int | None = None) -> None:
    """Refuse a username taken, or looking like another person's username or display name."""
    username_characters_check(typed=username)
    name_reserved_check(name=username)
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk is not None else User.objects
    # Django's username is case-sensitive; people read "Alice" and "alice" as one.
    if others.filter(username__iexact=username).exists():
        raise ValidationError(USERNAME_TAKEN_MESSAGE, code="unique")
    key = name_key(username)
    for other_username, other_display_name in _names_of_others(exclude_pk):
        if key in (name_key(other_username), other_display_name and name_key(other_display_name)):
            raise ValidationError(USERNAME_LOOKS_TAKEN_MESSAGE, code="look_alike")


def display_name_check(*, display_name: str, exclude_pk: int | None = None) -> None:
    """Refuse a (cleaned) display name that looks like another person's name.

    One's own username is fine as a display name; an empty one shows the username.
    """
    if not display_name:
        return
    name_reserved_check(name=display_name)
    normalized = unicodedata.normalize("NFKC", display_name)
    if confusables.is_dangerous(normalized, preferred_aliases=["latin", "han", "common"]):
        raise ValidationError(DISPLAY_NAME_SCRIPTS_MESSAGE, code="mixed_script")
    key = name_key(display_name)
    for other_username, other_display_name in _names_of_others(exclude_pk):
        if key in (name_key(other_username), other_display_name and name_key(other_display_name)):
            raise ValidationError(DISPLAY_NAME_TAKEN_MESSAGE, code="look_alike")
