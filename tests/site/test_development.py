"""Issue 31, items 4, 5, 6 and 11: the newcomer's commands after `make run`, and `make test`.

- `make run` writes a git-ignored .env that manage.py reads, so README commands work
  without a DJANGO_DEBUG=true prefix; production never reads it (item 4).
- `make run` installs what running needs; `make test` adds the test tools (item 5).
- In development the site's origin follows the port runserver serves on (item 6).
- The suite's Redis comes from the environment and is stopped when the suite ends (item 11).
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.dev_env import DEV_ENV_MARK, dev_env_load, dev_site_url_follow, runserver_origin

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "/usr/bin/make"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


def bare_env(**overrides: str) -> dict[str, str]:
    """This process's environment without Django's, pytest's or the site's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "KB_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def checkout(tmp_path):
    """A directory with manage.py and the .env `make run` writes there (PORT=8001)."""
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(ROOT / "Makefile"), "dev-env", "PORT=8001"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path


def manage(checkout: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(checkout / "manage.py"), *args],
        cwd=checkout,
        env=bare_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SHOW = "from django.conf import settings; print(settings.DEBUG, settings.SITE_URL)"


def test_manage_py_works_without_a_prefix_after_make_run(checkout):
    env_file = (checkout / ".env").read_text(encoding="utf-8")
    assert env_file.startswith(DEV_ENV_MARK)
    assert "DJANGO_DEBUG=true" in env_file and "KB_SITE_URL=http://127.0.0.1:8001" in env_file
    result = manage(checkout, "shell", "--no-imports", "-c", SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True http://127.0.0.1:8001"


def test_without_the_file_manage_py_still_refuses(checkout):
    (checkout / ".env").unlink()
    result = manage(checkout, "shell", "--no-imports", "-c", SHOW)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_never_reads_it(checkout):
    # A deployment sets its secret key: the file is not read (else KB_SITE_URL would be there).
    result = manage(checkout, "shell", "-c", SHOW, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "KB_SITE_URL is required" in result.stderr
    result = manage(
        checkout,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="kb.example.cn",
        KB_SITE_URL="https://kb.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # An explicit DJANGO_DEBUG decides too.
    result = manage(checkout, "shell", "-c", SHOW, DJANGO_DEBUG="false")
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_an_env_file_of_ones_own_is_neither_read_nor_overwritten(tmp_path):
    own = tmp_path / ".env"
    own.write_text("DJANGO_DEBUG=true\nKB_SITE_URL=http://127.0.0.1:9000\n", encoding="utf-8")
    environ: dict[str, str] = {}
    assert dev_env_load(path=own, environ=environ) is False and environ == {}
    subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(ROOT / "Makefile"), "dev-env"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    assert own.read_text(encoding="utf-8").startswith("DJANGO_DEBUG=true")


def test_the_environment_wins_over_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"{DEV_ENV_MARK}\nDJANGO_DEBUG=true\nKB_SITE_URL=http://127.0.0.1:8000\nCACHE_KEY_PREFIX=dev\n",
        encoding="utf-8",
    )
    environ = {"CACHE_KEY_PREFIX": "mine"}
    assert dev_env_load(path=env_file, environ=environ) is True
    assert environ["CACHE_KEY_PREFIX"] == "mine" and environ["DJANGO_DEBUG"] == "true"
    dev_site_url_follow(argv=["manage.py", "runserver", "8001"], environ=environ)
    assert environ["KB_SITE_URL"] == "http://127.0.0.1:8001"
    # A KB_SITE_URL of one's own is kept, whatever port runserver takes.
    environ = {"KB_SITE_URL": "http://kb.test:8000"}
    dev_env_load(path=env_file, environ=environ)
    dev_site_url_follow(argv=["manage.py", "runserver", "8001"], environ=environ)
    assert environ["KB_SITE_URL"] == "http://kb.test:8000"


@pytest.mark.parametrize(
    ("argv", "origin"),
    [
        (["manage.py", "runserver"], "http://127.0.0.1:8000"),
        (["manage.py", "runserver", "8001"], "http://127.0.0.1:8001"),
        (["manage.py", "runserver", "127.0.0.1:8002", "--noreload"], "http://127.0.0.1:8002"),
        (
            ["manage.py", "runserver", "--settings", "kb.settings", "0.0.0.0:8003"],
            "http://127.0.0.1:8003",
        ),
        (["manage.py", "runserver", "localhost:8004"], "http://localhost:8004"),
        (["manage.py", "runserver", "[::1]:8005"], "http://[::1]:8005"),
        (["manage.py", "migrate"], None),
        (["manage.py", "runserver", "nonsense:port"], None),
    ],
)
def test_runserver_origin(argv, origin):
    assert runserver_origin(argv) == origin


def test_runserver_on_another_port_links_to_that_port(checkout, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(checkout / "manage.py"),
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ],
        cwd=checkout,
        env=bare_env(DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = ""
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt") as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert f"Sitemap: http://127.0.0.1:{port}/sitemap.xml" in body, body
    finally:
        server.terminate()
        server.wait(timeout=30)


def make_dry_run(target: str, tmp_path: Path, *variables: str) -> str:
    # The Makefile's defaults, not a REDIS_PORT this suite was started with (.ci/run's).
    env = {name: value for name, value in os.environ.items() if name != "REDIS_PORT"}
    result = subprocess.run(
        [MAKE, "-n", "-f", str(ROOT / "Makefile"), target, f"VENV={tmp_path / 'venv'}", *variables],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


def test_make_run_installs_what_running_needs_and_make_test_adds_the_tools(tmp_path):
    run = make_dry_run("run", tmp_path)
    assert "-r requirements.txt" in run
    assert "requirements-dev.txt" not in run
    test = make_dry_run("test", tmp_path)
    assert "-r requirements.txt" in test and "-r requirements-dev.txt" in test
    assert ".ci/with-redis 6379 " in test


def test_make_run_on_another_port_serves_links_to_that_port(tmp_path):
    # `make run` sets DJANGO_DEBUG itself, so manage.py does not read .env there: the
    # origin must be passed on its own or links point at :8000 (PORT=8011 make run).
    run = make_dry_run("run", tmp_path, "PORT=8011")
    [serve] = [line for line in run.splitlines() if "runserver" in line]
    assert "KB_SITE_URL=http://127.0.0.1:8011 " in serve
    assert serve.endswith("runserver 127.0.0.1:8011")


def test_the_suites_redis_is_stopped_when_it_ends():
    port = str(free_port())

    def ping() -> str:
        result = subprocess.run(
            [REDIS_CLI, "-h", "127.0.0.1", "-p", port, "ping"], capture_output=True, text=True
        )
        return result.stdout.strip()

    inner = (
        f"{ROOT}/.ci/with-redis {port} true; "
        f"redis-cli -h 127.0.0.1 -p {port} ping; echo $KB_TEST_REDIS_PORT"
    )
    result = subprocess.run(
        [str(ROOT / ".ci" / "with-redis"), port, "sh", "-c", inner],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # Started for the command, kept while it runs (a nested run leaves it alone), stopped after.
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PONG", port]
    assert ping() != "PONG"
    failing = subprocess.run([str(ROOT / ".ci" / "with-redis"), port, "false"], check=False)
    assert failing.returncode == 1 and ping() != "PONG"
