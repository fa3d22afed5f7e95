"""Management commands other than import_essay: the search index rebuild."""

from io import StringIO

import pytest
from django.core.management import call_command

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


def _vector_index_exists() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_vector_gin'")
        return cursor.fetchone() is not None


def test_rebuild_keeps_the_vector_index(seed_essay):
    from django.db import connection

    from experiences.search.rebuild import search_index_rebuild

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    assert _vector_index_exists()
    search_index_rebuild()
    assert _vector_index_exists()


@pytest.mark.django_db(transaction=True)
def test_rebuild_in_processes_indexes_every_reflection(seed_text):
    """The parallel rebuild (PostgreSQL, outside a transaction): ranges of reflections in
    forked processes, then the GIN index built once; the same answers as one process."""
    from django.db import connection

    from experiences.essays.importer import essay_import
    from experiences.search.rebuild import search_index_rebuild

    if connection.vendor != "postgresql":
        pytest.skip("processes index in parallel on PostgreSQL only")
    principle = essay_import(text=seed_text).essay.principles.first()
    for index in range(30):
        ReflectionFactory(principle=principle, title=f"分段重建{index}", tags=[f"分段{index}"])
    expected = sorted(SearchDocument.objects.values_list("title", "gram_terms"))
    count = search_index_rebuild(batch_size=4, workers=2)
    assert count == len(expected)
    assert sorted(SearchDocument.objects.values_list("title", "gram_terms")) == expected
    assert _vector_index_exists()
    found = [document.title for document in search_run(query=query_parse("段重"))]
    assert len([title for title in found if title.startswith("分段重建")]) == 30
