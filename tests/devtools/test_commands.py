"""The development tools' commands: the benchmarks and the fault drill (kb/devtools)."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


def test_search_benchmark_runs_on_a_small_dataset():
    out = StringIO()
    call_command("benchmark_search", "--reflections", "40", "--repeat", "2", stdout=out)
    output = out.getvalue()
    assert "索引构建" in output and "最差 p95" in output
    assert output.count("\n") > 20


def test_search_benchmark_reports_the_index_size_and_can_stop_after_the_rebuild():
    out = StringIO()
    call_command(
        "benchmark_search", "--reflections", "20", "--rebuild-only", "--workers", "1", stdout=out
    )
    output = out.getvalue()
    assert "索引构建" in output and "1 个进程" in output
    assert "最差 p95" not in output
    if connection.vendor == "postgresql":
        assert "GIN 索引" in output and "二元组" in output


def test_search_benchmark_refuses_a_real_database(seed_essay):
    ReflectionFactory()
    with pytest.raises(CommandError, match="真实的心得"):
        call_command("benchmark_search", "--reflections", "10", stdout=StringIO())


def wrk_required():
    """The test tools include wrk (`make test` installs it): missing, the test fails."""
    if shutil.which("wrk") is None:
        pytest.fail("wrk is missing: run `make wrk` (apt-get install -y wrk).")


def test_http_benchmark_dry_run_lists_the_pages():
    wrk_required()
    out = StringIO()
    call_command("benchmark_http", "--dry-run", stdout=out)
    assert "bare view: /bench/ceiling/" in out.getvalue()
    assert "principle, signed in: /essays/" in out.getvalue()
    assert "principle, 长辈模式: /essays/" in out.getvalue()


def test_http_benchmark_without_wrk_says_so_in_chinese(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="需要 wrk"):
        call_command("benchmark_http", "--dry-run", stdout=StringIO())


def test_each_http_benchmark_run_has_a_cache_of_its_own(tmp_path):
    from kb.devtools.management.commands.benchmark_http import Command

    first, second = (Command.server_env(str(tmp_path))["CACHE_KEY_PREFIX"] for _ in range(2))
    assert first.startswith("kb-bench-") and second.startswith("kb-bench-")
    assert first != second  # another bench database on the same Redis never answers


def test_fault_drill_needs_postgresql():
    if connection.vendor == "postgresql":
        wrk_required()
        out = StringIO()
        call_command("fault_drill", "--dry-run", stdout=out)
        assert "PostgreSQL restarted" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("fault_drill", "--dry-run", stdout=StringIO())


def test_the_http_benchmark_turns_caching_off_on_request(tmp_path):
    """`--without NAME` reaches the servers as KB_CACHING, and the run says what was off."""
    from kb.devtools.management.commands.benchmark_http import Command

    assert Command.server_env(str(tmp_path))["KB_CACHING"] == "pages,shared,facts"
    assert Command.server_env(str(tmp_path), ["shared", "pages"])["KB_CACHING"] == "facts"
    if shutil.which("wrk"):
        out = StringIO()
        call_command("benchmark_http", "--dry-run", "--without", "facts", stdout=out)
        assert "关闭的缓存\uff1afacts" in out.getvalue()
