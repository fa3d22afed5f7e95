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
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))},
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "CACHE_KEY_PREFIX": f"kb-cluster-{secrets.token_hex(4)}",
        }

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
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def prepare(self) -> None:
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("import_essay", "experiences/data/essay-jiceng-ganbu-xinde.txt")

    def start(self, *, workers: int = 1) -> str:
        port = free_port()
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "kb.wsgi:application",
                "--config",
                "kb/gunicorn_conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"server on {url} did not start: {process.stderr.read(2000)!r}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
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
