"""Production settings: deploy checks are clean, missing secrets fail loudly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env_overrides):
    """Run manage.py in a production-like environment (not the test session's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    # Debug off, said explicitly: manage.py then ignores a development .env (kb/dev_env.py).
    env["DJANGO_DEBUG"] = "false"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="kb.example.cn",
        KB_SITE_URL="https://kb.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_refuses_to_start():
    result = manage(
        "check", DJANGO_ALLOWED_HOSTS="kb.example.cn", KB_SITE_URL="https://kb.example.cn"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_missing_site_url_refuses_to_start():
    """Absolute URLs (share cards, QR codes, feeds, mails) need the public origin."""
    result = manage(
        "check", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="kb.example.cn"
    )
    assert result.returncode != 0
    assert "KB_SITE_URL is required" in result.stderr


def test_site_url_must_be_an_origin():
    result = manage(
        "check",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KB_SITE_URL="https://kb.example.cn/some/path",
    )
    assert result.returncode != 0
    assert "KB_SITE_URL must be an origin" in result.stderr


def test_debug_is_off_unless_asked():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KB_SITE_URL="https://kb.example.cn",
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_chinese_first_locale():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_whitenoise_directly_after_security_middleware():
    assert settings.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_database_from_database_url():
    database = settings.DATABASES["default"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert database["ENGINE"] == "django.db.backends.postgresql"
        # Persistent connections, checked before reuse so a restarted server is survived.
        assert database["CONN_MAX_AGE"] > 0
        assert database["CONN_HEALTH_CHECKS"] is True
    else:
        assert database["ENGINE"] == "django.db.backends.sqlite3"
