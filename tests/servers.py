"""Real app servers for tests that must cross process boundaries (gunicorn, own database).

Each ``AppCluster`` gets a database of its own (a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL points at PostgreSQL), collected static
files, production settings (DEBUG off) and a shared Redis, then starts
gunicorn servers on free loopback ports.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import urllib.parse
from pathlib import Path

import psycopg2

from experiences.essays.seed import SEED_ESSAY
from kb.devtools.serving import gunicorn_start, gunicorn_stop, manage, production_env
from tests.services import redis_url


class AppCluster:
    def __init__(self, tmp_path: Path, *, redis_db: int = 9):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.database_name = None
        base_url = os.environ.get("DATABASE_URL", "")
        if base_url.startswith("postgres"):
            self.database_name = f"kb_cluster_{secrets.token_hex(4)}"
            self.admin_url = base_url
            self._pg("CREATE DATABASE " + self.database_name)
            database_url = base_url.rsplit("/", 1)[0] + "/" + self.database_name
        else:
            database_url = f"sqlite:///{tmp_path / 'cluster.sqlite3'}"
        self.env = production_env(
            DATABASE_URL=database_url,
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            REDIS_URL=redis_url(redis_db),
            CACHE_KEY_PREFIX=f"kb-cluster-{secrets.token_hex(4)}",
        )

    def _pg(self, statement: str) -> None:
        parts = urllib.parse.urlsplit(self.admin_url)
        connection = psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()

    def manage(self, *args: str) -> str:
        return manage(*args, env=self.env)

    def prepare(self) -> None:
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("import_essay", str(SEED_ESSAY))

    def start(self, *, workers: int = 1) -> str:
        process, url = gunicorn_start(env=self.env, workers=workers)
        self.processes.append(process)
        return url

    def stop(self) -> None:
        for process in self.processes:
            gunicorn_stop(process)
        if self.database_name:
            self._pg(f"DROP DATABASE IF EXISTS {self.database_name} WITH (FORCE)")
