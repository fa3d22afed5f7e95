"""The development tools refuse a database that matters (kb/devtools/scratch.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kb.devtools.scratch import scratch_database_required, scratch_name
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "scratch"),
    [
        ("kb", False),
        ("kb_production", False),
        ("/srv/kb/db.sqlite3", False),
        ("kb_bench", True),
        ("kb_bench_http", True),
        ("kb_drill", True),
        ("test_kb", True),  # Django's test database for "kb"
        ("/tmp/kb_scratch.sqlite3", True),
    ],
)
def test_scratch_names(name, scratch):
    assert scratch_name(name) is scratch


@pytest.fixture
def database_named_kb(monkeypatch):
    """The test database, as the tools see it, is called "kb" (no query needs the name)."""
    monkeypatch.setitem(connection.settings_dict, "NAME", "kb")


def test_fault_drill_refuses_a_database_named_kb(database_named_kb):
    out = StringIO()
    with pytest.raises(CommandError, match="kb 不是专门的临时数据库"):
        call_command("fault_drill", "--dry-run", stdout=out)
    assert out.getvalue() == ""  # not even the plan


def test_search_benchmark_refuses_a_database_named_kb(database_named_kb):
    with pytest.raises(CommandError, match="不是专门的临时数据库"):
        call_command("benchmark_search", "--reflections", "10", stdout=StringIO())


def test_fault_drill_refuses_a_database_with_real_reflections(seed_essay):
    ReflectionFactory()
    with pytest.raises(CommandError, match="真实的心得"):
        call_command("fault_drill", "--dry-run", stdout=StringIO())


def test_the_tools_own_reflections_are_not_real(seed_essay):
    for username in ("bench7", "drill7"):
        ReflectionFactory(author=UserFactory(username=username))
    scratch_database_required("fault-drill")  # no error
