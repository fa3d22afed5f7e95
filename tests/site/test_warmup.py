"""A fresh process is made ready before gunicorn forks its workers (kb/wsgi.py, kb/warmup.py)."""

import gc
import socket
from unittest import mock

from django.template import engines

from kb.warmup import process_warm


def test_a_process_is_warmed_without_opening_any_connection():
    # No database (pytest-django refuses it without the db mark), no Redis, no network:
    # the workers are forked afterwards, and a shared socket would serve two of them.
    try:
        with mock.patch.object(
            socket.socket, "connect", side_effect=AssertionError("connected before the fork")
        ):
            process_warm()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_templates_are_compiled_ahead():
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    try:
        process_warm()
    finally:
        gc.unfreeze()
    compiled = {key.split(":")[0] for key in loader.get_template_cache}
    assert {"base.html", "essays/principle_detail.html"} <= compiled
