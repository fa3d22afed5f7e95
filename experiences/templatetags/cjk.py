"""Template filters for Chinese text: ``{{ text|cjk }}`` shows ASCII punctuation inside
Chinese as its full-width form (core/punctuation.py); the stored text is untouched."""

from django import template

from experiences.core.punctuation import cjk_punctuate

register = template.Library()


@register.filter(is_safe=True)
def cjk(value: object) -> object:
    """Safe in, safe out (``is_safe``): only punctuation characters change, never markup."""
    return cjk_punctuate(value) if isinstance(value, str) else value
