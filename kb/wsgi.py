"""WSGI entry point (gunicorn kb.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

application = get_wsgi_application()

# jieba loads its dictionary on first use; do it now, before gunicorn forks,
# so no visitor waits for it and the workers share one copy.
from experiences.core.segmentation import segmenter_warm  # noqa: E402

segmenter_warm()
