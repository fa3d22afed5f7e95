"""``manage.py check``: the share images' font is installed, or the deployment is told so.

Without fonts-noto-cjk every share image would fail to draw; that should stop a
deploy (as a missing secret key does), not surface as cards without images.
"""

from typing import Any

from django.core.checks import Error, register

from experiences.sharing.images import ShareFontMissing, font_path


@register()
def share_font_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for weight in ("bold", "regular"):
        try:
            font_path(weight)
        except ShareFontMissing as missing:
            errors.append(
                Error(
                    str(missing),
                    hint="apt-get install -y fonts-noto-cjk (make install does it).",
                    id="sharing.E001",
                )
            )
    return errors
