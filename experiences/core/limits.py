"""The limits a colleague meets when writing, in one place: forms, pages, scripts and help texts.

Templates read them through the ``limits`` context processor, the enhancement
script through the form's ``data-body-max``.
"""

from django.http import HttpRequest

BODY_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 100
MAX_TAGS = 8
MAX_TAG_LENGTH = 30


def limits(request: HttpRequest) -> dict[str, dict[str, int]]:
    """Context processor: the limits under one name, for help texts and error pages."""
    return {
        "limits": {
            "body_max": BODY_MAX_LENGTH,
            "title_max": TITLE_MAX_LENGTH,
            "tags_max": MAX_TAGS,
            "tag_length_max": MAX_TAG_LENGTH,
        }
    }
