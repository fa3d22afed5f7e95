"""Production does not carry the development tools: manage.py does not even list them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("benchmark_http", "benchmark_search", "fault_drill")


def manage_help(**env_overrides) -> str:
    """`manage.py help` as production runs it: DEBUG unset, a secret key, not under pytest."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST")) and k != "KB_DEVTOOLS"
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KB_SITE_URL="https://kb.example.cn",
        **env_overrides,
    )
    assert "PYTEST_VERSION" not in env and "DJANGO_DEBUG" not in env
    result = subprocess.run(
        [sys.executable, "manage.py", "help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_production_manage_py_has_no_development_tools():
    listed = manage_help()
    assert "import_essay" in listed  # the product's own commands are there
    for tool in TOOLS:
        assert tool not in listed
    assert "[devtools]" not in listed


def test_kb_devtools_turns_them_on():
    listed = manage_help(KB_DEVTOOLS="true")
    assert "[devtools]" in listed
    for tool in TOOLS:
        assert tool in listed
