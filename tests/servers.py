"""Real app servers for tests that must cross process boundaries (gunicorn, own database).

Each ``AppCluster`` gets a database of its own (a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL points at PostgreSQL), collected static
files, production settings (DEBUG off) and a shared Redis, then starts
gunicorn servers on free loopback ports.

Preparing one (migrate, collectstatic, the essay) is the slow part: a module prepares
one cluster and gives each test ``AppCluster(tmp_path, copy_of=prepared)``, a copy of
its database (SQLite's backup, PostgreSQL's CREATE DATABASE ... TEMPLATE) with the same
static files, a cache prefix of its own and servers of its own.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.parse
from pathlib import Path

import psycopg2
import redis

from experiences.essays.seed import SEED_ESSAY
from kb.devtools.serving import (
    gunicorn_start,
    gunicorn_stop,
    manage,
    production_env,
    redis_server_start,
)
from tests.services import redis_url


class AppCluster:
    def __init__(
        self,
        tmp_path: Path,
        *,
        redis_db: int = 9,
        copy_of: AppCluster | None = None,
        redis_location: str | None = None,
    ):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.database_name = None
        self.database_path = tmp_path / "cluster.sqlite3"
        self.static_root: Path = copy_of.static_root if copy_of else tmp_path / "static"
        base_url = os.environ.get("DATABASE_URL", "")
        if base_url.startswith("postgres"):
            self.database_name = f"kb_cluster_{secrets.token_hex(4)}"
            self.admin_url = base_url
            template = f" TEMPLATE {copy_of.database_name}" if copy_of else ""
            self._pg("CREATE DATABASE " + self.database_name + template)
            database_url = base_url.rsplit("/", 1)[0] + "/" + self.database_name
        else:
            if copy_of:
                with (
                    sqlite3.connect(copy_of.database_path) as source,
                    sqlite3.connect(self.database_path) as copy,
                ):
                    source.backup(copy)
            database_url = f"sqlite:///{self.database_path}"
        self.env = production_env(
            DATABASE_URL=database_url,
            DJANGO_STATIC_ROOT=str(self.static_root),
            REDIS_URL=redis_location or redis_url(redis_db),
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


class OwnRedis:
    """A redis-server of the test's own, which it may kill and start again (memory lost)."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.paused_mode: str | None = None
        self.paused_until = 0.0

    def start(self):
        self.process = redis_server_start(port=self.port)
        # Connected before any pause: it can end one.
        self.admin = redis.Redis.from_url(self.url)
        self.admin.ping()

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self):
        self.kill()
        self.start()

    def pause(self, milliseconds: int, mode: str = "ALL") -> None:
        """CLIENT PAUSE: every client's commands (or writes only) wait, as in a stall."""
        self.paused_until = time.monotonic() + milliseconds / 1000
        self.paused_mode = mode
        self.admin.execute_command("CLIENT", "PAUSE", milliseconds, mode)

    def unpause(self) -> None:
        """The end of the stall: at once for WRITE; for ALL, when it ends (Redis holds even
        CLIENT UNPAUSE back then)."""
        if self.paused_mode == "WRITE":
            self.admin.execute_command("CLIENT", "UNPAUSE")
        elif self.paused_mode == "ALL":
            time.sleep(max(0.0, self.paused_until - time.monotonic()))
        self.paused_mode = None

    def paused(self) -> bool:
        return self.paused_mode is not None and time.monotonic() < self.paused_until
