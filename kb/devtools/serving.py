"""Starting real gunicorn servers with production settings, for benchmarks, drills and tests.

Everything here talks to 127.0.0.1 only.
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

import redis

# The project root, where manage.py lives (this file is kb/devtools/serving.py).
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment less Django/pytest settings, as a deployment would run.

    DEBUG is off and a fresh secret key is set; HTTPS redirects and secure
    cookies are off because the servers listen on plain HTTP on loopback.
    KB_DEVTOOLS is dropped too, so the development tools are off unless an
    override turns them on.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST")) and k != "KB_DEVTOOLS"
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "KB_SITE_URL": "http://127.0.0.1:8000",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def healthy_wait(base_url: str, *, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    return False


def gunicorn_start(*, env: dict[str, str], workers: int = 1) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free loopback port; returns the process and its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kb.wsgi:application",
            "--config",
            "kb/gunicorn_conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    if not healthy_wait(base_url):
        process.kill()
        stderr = process.stderr.read(2000) if process.stderr else b""
        raise RuntimeError(f"gunicorn on {base_url} did not start: {stderr!r}")
    return process, base_url


def redis_server_start(*, port: int, directory: Path | None = None) -> subprocess.Popen:
    """A redis-server of one's own on 127.0.0.1 (no snapshots, no log), answering PING.

    ``directory``: where a SHUTDOWN SAVE writes its dump (a restart that keeps memory).
    """
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    args += ["--save", "", "--appendonly", "no"]
    if directory is not None:
        args += ["--dir", str(directory)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if client.ping():
                return process
        except redis.exceptions.RedisError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server on port {port} did not start")


def gunicorn_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Browser:
    """A cookie-keeping HTTP client speaking to one server, as a person's browser would."""

    def __init__(self, base_url: str, *, timeout: float = 10):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base_url + path, timeout=self.timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post(self, path: str, data: dict | list) -> tuple[int, str]:
        _, page, _ = self.get(path if "?" in path or not path.endswith("/like/") else "/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if token:
            fields.append(("csrfmiddlewaretoken", token.group(1)))
        return self.submit(path, fields)

    def submit(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        """POST the fields as they are (the caller fetched the form and its CSRF token)."""
        request = urllib.request.Request(
            self.base_url + path, data=urllib.parse.urlencode(fields).encode(), method="POST"
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_out(self) -> int:
        """Sign out through the nav's form (the token from the home page)."""
        _, page, _ = self.get("/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no form with a CSRF token on the home page: signed in?")
        request = urllib.request.Request(
            self.base_url + "/accounts/logout/",
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)}).encode(),
            method="POST",
        )
        with self.opener.open(request, timeout=self.timeout) as response:
            return int(response.status)

    def log_in(self, username: str, password: str, *, admin: bool = False) -> None:
        path = "/admin/login/" if admin else "/accounts/login/"
        status, page = self.post(path, {"username": username, "password": password, "next": "/"})
        if status != 200 or "退出" not in page:
            raise RuntimeError(f"login as {username} failed ({status}): {page[:500]!r}")
