"""WSGI entry point (gunicorn kb.wsgi).

gunicorn imports this once in its master (preload_app) and forks the workers from
it; a worker is also replaced after GUNICORN_MAX_REQUESTS requests. So what every
process would otherwise do on its first request is done here, once, before the
fork: otherwise each new worker's first request took 0.15–0.3 s (importing the
views behind the URLconf, reading the translation catalogue, compiling templates,
loading jieba's dictionary), and the requests queued behind it waited too.
Nothing here opens a connection: sockets must not be shared across the fork.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

application = get_wsgi_application()

from kb.warmup import process_warm  # noqa: E402 (needs the settings above)

process_warm()
