"""Development settings for ``manage.py``: the git-ignored ``.env`` that ``make run`` writes.

After ``make run`` a newcomer types ``.venv/bin/python manage.py createsuperuser`` (or any
command in the README) and it works, without a ``DJANGO_DEBUG=true`` prefix: manage.py
reads ``.env`` first. Production never does:

- only ``manage.py`` calls this (gunicorn's ``kb/wsgi.py`` and the test suite do not);
- only a file that starts with ``DEV_ENV_MARK`` is read, i.e. one ``make run`` wrote, never
  an operator's own ``.env`` copied from ``.env.example``;
- nothing is read when the environment already decides (``DJANGO_DEBUG`` or
  ``DJANGO_SECRET_KEY`` set), as every deployment does: it must set the secret key;
- a variable already in the environment is never overridden.

In development the site's origin (``KB_SITE_URL``: share cards, QR codes, the print
footer) follows the port ``runserver`` serves on: ``PORT=8001 make run`` gives
http://127.0.0.1:8001, not a port where nothing runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping, Sequence
from pathlib import Path

DEV_ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
DEV_ENV_MARK = "# Written by `make run` for local development"
# Set by dev_env_load when it applied the file: the origin may then follow runserver.
DEV_ENV_APPLIED = "KB_DEV_ENV_APPLIED"

_ADDRPORT = re.compile(r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[^:\[\]]+):)?(?P<port>\d+)$")


def dev_env_load(
    *, path: Path = DEV_ENV_FILE, environ: MutableMapping[str, str] = os.environ
) -> bool:
    """Apply ``make run``'s ``.env`` to ``environ`` where it sets nothing; whether it did."""
    if "DJANGO_DEBUG" in environ or "DJANGO_SECRET_KEY" in environ:
        return False  # the environment decides: a deployment, or an explicit choice
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, PermissionError, UnicodeDecodeError):
        return False
    if not text.startswith(DEV_ENV_MARK):
        return False
    explicit_site_url = "KB_SITE_URL" in environ
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        environ.setdefault(name.strip(), value.strip())
    if not explicit_site_url:
        environ[DEV_ENV_APPLIED] = "1"
    return True


def runserver_origin(argv: Sequence[str]) -> str | None:
    """The origin ``manage.py runserver [addrport]`` serves on, or None for other commands."""
    if len(argv) < 2 or argv[1] != "runserver":
        return None
    addrport = ""
    skip_value = False
    for arg in argv[2:]:
        if skip_value:
            skip_value = False
        elif arg in ("--settings", "--pythonpath"):
            skip_value = True
        elif not arg.startswith("-"):
            addrport = arg
            break
    if not addrport:
        return "http://127.0.0.1:8000"
    match = _ADDRPORT.match(addrport)
    if match is None:
        return None  # runserver itself will say what is wrong with it
    host = match.group("host") or "127.0.0.1"
    if host in ("0", "0.0.0.0", "[::]"):  # noqa: S104 - reading runserver's argument
        host = "127.0.0.1"
    return f"http://{host}:{match.group('port')}"


def dev_site_url_follow(
    *, argv: Sequence[str], environ: MutableMapping[str, str] = os.environ
) -> None:
    """In development (``.env`` applied, no KB_SITE_URL of one's own), make the site's
    origin the one ``runserver`` serves on."""
    if environ.get(DEV_ENV_APPLIED) != "1":
        return
    origin = runserver_origin(argv)
    if origin is not None:
        environ["KB_SITE_URL"] = origin
