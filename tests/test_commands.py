"""Management commands other than import_essay: index rebuild and the measurement scripts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from experiences.search.models import SearchDocument
from experiences.search.query import query_parse, search_run
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


def test_rebuild_search_index(seed_essay):
    ReflectionFactory(principle=seed_essay.principles.first(), title="重建后的心得", tags=["重建"])
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "搜索索引已重建" in out.getvalue()
    assert "#" in out.getvalue()  # the progress bar
    kinds = set(SearchDocument.objects.values_list("kind", flat=True))
    assert kinds == {"principle", "reflection", "tag", "related_reading"}
    found = search_run(query=query_parse("重建后"))
    assert any(document.title == "重建后的心得" for document in found)


def test_rebuild_dry_run_writes_nothing(seed_essay):
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert "未写入" in out.getvalue()
    assert not SearchDocument.objects.exists()


def test_search_benchmark_runs_on_a_small_dataset():
    out = StringIO()
    call_command("benchmark_search", "--reflections", "40", "--repeat", "2", stdout=out)
    output = out.getvalue()
    assert "索引构建" in output and "最差 p95" in output
    assert output.count("\n") > 20


def test_search_benchmark_refuses_a_real_database(seed_essay):
    ReflectionFactory()
    with pytest.raises(CommandError, match="真实的心得"):
        call_command("benchmark_search", "--reflections", "10", stdout=StringIO())


def test_http_benchmark_dry_run_lists_the_pages():
    out = StringIO()
    try:
        call_command("benchmark_http", "--dry-run", stdout=out)
    except CommandError as error:  # no wrk on this machine: says so in Chinese
        assert "wrk" in str(error)
        return
    assert "bare view: /bench/ceiling/" in out.getvalue()


def test_fault_drill_needs_postgresql():
    if connection.vendor == "postgresql":
        out = StringIO()
        try:
            call_command("fault_drill", "--dry-run", stdout=out)
        except CommandError as error:
            assert "wrk" in str(error)
            return
        assert "PostgreSQL restarted" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("fault_drill", "--dry-run", stdout=StringIO())
