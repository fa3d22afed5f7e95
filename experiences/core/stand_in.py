"""The viewer while a page's shared copy renders (core/shared_pages.py).

A template rendered once for every colleague may use only what they all have in
common; whatever else it asks of ``user`` or ``perms`` is recorded here, and the
page is then rendered per viewer instead of shared.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.utils.safestring import SafeString


class StandIn:
    """The viewer (``user``, ``perms``) while the shared copy renders.

    Knows only what every signed-in viewer has in common; anything else a
    template asks is recorded, and the page is then rendered per viewer.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, asked: set[str], name: str, *, url: SafeString) -> None:
        self._asked = asked
        self._name = name
        self._url = url  # the viewer-url marker: every viewer has a page of their own

    def get_absolute_url(self) -> SafeString:
        return self._url

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        self._asked.add(f"{self._name}.{attribute}")
        return ""

    def __getitem__(self, item: Hashable) -> str:
        # Templates try ``x[name]`` before ``x.name``: answered by __getattr__ (recorded).
        raise KeyError(item)

    def __contains__(self, item: object) -> bool:
        self._asked.add(f"{item!r} in {self._name}")
        return False

    def __str__(self) -> str:
        self._asked.add(str(self._name))
        return ""
