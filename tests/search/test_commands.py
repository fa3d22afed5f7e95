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
