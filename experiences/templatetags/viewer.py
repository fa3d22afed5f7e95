"""``{% viewer_bit "name" obj %}``: the part of a page that depends on who is looking.

On a signed-in page shared by every colleague (core/shared_pages.py) it writes a
marker that each request fills for its own viewer; on a page rendered for one
viewer it writes that viewer's bit directly. Bits are registered by their
domains (``viewer_bit_register``), e.g. ``"like"`` in reflections/viewer_bits.py.
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from experiences.core.shared_pages import viewer_bit as bit_for

register = template.Library()


@register.simple_tag(takes_context=True)
def viewer_bit(context: template.Context, name: str, obj: Any) -> SafeString:
    return bit_for(context.get("request"), name, obj)
