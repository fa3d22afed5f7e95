"""Real app servers for tests that must cross process boundaries (gunicorn, own database).

Each ``AppCluster`` gets a database of its own (a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL points at PostgreSQL), collected static
files, production settings (DEBUG off) and a shared Redis, then starts
gunicorn servers on free loopback ports.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

from kb.serving import gunicorn_start, gunicorn_stop, manage, production_env


class AppCluster:
    def __init__(self, tmp_path: Path, *, redis_db: int = 13):
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
            REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
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
        self.manage("import_essay", "experiences/data/essay-jiceng-ganbu-xinde.txt")

    def start(self, *, workers: int = 1) -> str:
        process, url = gunicorn_start(env=self.env, workers=workers)
        self.processes.append(process)
        return url

    def stop(self) -> None:
        for process in self.processes:
            gunicorn_stop(process)
        if self.database_name:
            self._pg(f"DROP DATABASE IF EXISTS {self.database_name} WITH (FORCE)")


class Browser:
    """A cookie-keeping HTTP client speaking to one server, as a person's browser would."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base_url + path, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post(self, path: str, data: dict | list) -> tuple[int, str]:
        _, page, _ = self.get(path if "?" in path or not path.endswith("/like/") else "/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if token:
            fields.append(("csrfmiddlewaretoken", token.group(1)))
        request = urllib.request.Request(
            self.base_url + path, data=urllib.parse.urlencode(fields).encode(), method="POST"
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str, password: str, *, admin: bool = False) -> None:
        path = "/admin/login/" if admin else "/accounts/login/"
        status, page = self.post(path, {"username": username, "password": password, "next": "/"})
        assert status == 200 and "退出" in page, page[:500]
