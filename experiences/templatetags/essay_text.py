"""``{{ paragraph|essay_paragraph }}``: an essay's paragraph as pages show it.

Chinese punctuation as ``cjk`` shows it, and the emphasis a Word document's bold
runs became on import (``**…**``, the site's emphasis as in reflections) as
<strong>. A lone ``**`` (the seed essay's 党和**的形象) stays as written.
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from experiences.core.punctuation import cjk_punctuate

register = template.Library()

EMPHASIS = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")


@register.filter
def essay_paragraph(value: object) -> SafeString:
    text = cjk_punctuate(str(conditional_escape(str(value))))
    return mark_safe(EMPHASIS.sub(r"<strong>\1</strong>", text))  # noqa: S308 - escaped above
