#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

from kb.dev_env import dev_env_load, dev_site_url_follow


def main():
    # Development only: the .env `make run` wrote (never read in production: kb/dev_env.py).
    dev_env_load(path=Path(__file__).resolve().parent / ".env")
    dev_site_url_follow(argv=sys.argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    # Migrations, backups, index rebuilds and queued jobs may rightly run longer
    # than a page may: only requests (kb.wsgi) get the statement limit by default.
    os.environ.setdefault("KB_DB_STATEMENT_TIMEOUT_MS", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
