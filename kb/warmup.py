"""What a fresh process needs before it can answer quickly, done ahead (kb/wsgi.py)."""

import gc
import logging
from pathlib import Path
from typing import cast

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def process_warm() -> None:
    """Import the views, build the URL tables, read the catalogue, compile the templates.

    No database, cache or network: the callers fork afterwards.
    """
    from experiences.core.caching import build_fingerprint
    from experiences.core.segmentation import segmenter_warm
    from experiences.search.expansion import expansion_warm

    # jieba's dictionary: the workers share one copy; and OpenCC's and pypinyin's.
    segmenter_warm()
    expansion_warm()
    build_fingerprint()  # reads every template and module once
    resolver = get_resolver()
    resolver.resolve("/")
    reverse("experiences:home")  # fills the reverse tables of every namespace
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("首页")
    folders = cast(list[Path], settings.TEMPLATES[0]["DIRS"])
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                logger.warning("template %s not compiled ahead: %s", name, error)
    # What is loaded now lives as long as the process: the collector need never scan
    # it again (a full collection over it took 30 ms, on some worker's request).
    gc.collect()
    gc.freeze()
