"""Cached pages are keyed on the query parameters the page reads; any other shares the plain page.

Issue 25, item 18: 200 anonymous requests for one principle with junk ?utm=... values
stored 200 copies of the page and rendered each. Now ?utm=1 and ?utm=2 are the
plain page (rendered once, one copy stored), while ?page=2 is a page of its own.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_memory_cache(settings):
    """The copies are counted in local memory's store, also in CI's pass on Redis."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def stored_pages() -> list[str]:
    """The page copies in the (locmem) shared cache (its keys are ":<version>:<key>")."""
    keys = cache._cache  # type: ignore[attr-defined]
    return [key for key in keys if key.split(":", 2)[2].startswith(("page:", "signed-in:"))]


def test_junk_parameters_share_the_plain_page(client, principle):
    url = principle.get_absolute_url()
    assert client.get(url, {"utm": "1"})["X-Page-Cache"] == "miss"
    for junk in range(2, 12):
        response = client.get(url, {"utm": str(junk), "fbclid": "x" * junk})
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1
    assert client.get(url, {"utm": "99"})["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1


def test_parameters_the_page_reads_still_make_their_own_page(client, principle):
    for _ in range(25):  # a second page of reflections
        ReflectionFactory(principle=principle)
    url = principle.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    second = client.get(url, {"page": "2", "utm": "a"})
    assert second["X-Page-Cache"] == "miss"
    assert second.context["page_obj"].number == 2
    assert client.get(url, {"utm": "b", "page": "2"})["X-Page-Cache"] == "hit"
    assert client.get(url, {"sort": "likes"})["X-Page-Cache"] == "miss"
    assert len(stored_pages()) == 3


def test_junk_values_of_parameters_the_page_reads_share_the_plain_page(client, principle):
    url = principle.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    # Each reads as the first page, newest first: the plain page.
    for junk in ("page=abc", "page=-1", "sort=oldest", "page=&sort=", "page=1x&sort=likes2"):
        assert client.get(f"{url}?{junk}")["X-Page-Cache"] == "hit", junk
    assert client.get(f"{url}?page=2&page=2")["X-Page-Cache"] == "miss"
    assert client.get(f"{url}?page=1&page=2")["X-Page-Cache"] == "hit"  # the last one counts
    assert len(stored_pages()) == 2


def test_what_a_junk_parameter_carries_never_reaches_the_shared_copy(client, principle):
    url = principle.get_absolute_url()
    page = client.get(url, {"q": "散布的标语", "next": "https://evil.example/"}).content.decode()
    assert "散布的标语" not in page and "evil.example" not in page
    # The search page does read q: it is kept there, and keyed on.
    search = reverse("experiences:search")
    found = client.get(search, {"q": "群众", "utm": "1"})
    assert found["X-Page-Cache"] == "miss" and 'value="群众"' in found.content.decode()
    assert client.get(search, {"q": "群众", "utm": "2"})["X-Page-Cache"] == "hit"
    other = client.get(search, {"q": "原则"})
    assert other["X-Page-Cache"] == "miss" and 'value="原则"' in other.content.decode()


def test_signed_in_colleagues_share_one_copy_too(client, user, principle):
    client.force_login(user)
    url = reverse("experiences:tag_list")
    assert client.get(url, {"utm": "1"})["X-Page-Cache"] == "shared-miss"
    assert client.get(url, {"utm": "2"})["X-Page-Cache"] == "shared-hit"
    assert len(stored_pages()) == 1


def test_filters_of_the_reflection_list_are_kept(client, principle):
    ReflectionFactory(principle=principle, title="带标签的", tags=["群众工作"])
    ReflectionFactory(principle=principle, title="不带标签的")
    url = reverse("experiences:reflection_list")
    page = client.get(url, {"tag": "群众工作", "utm": "1"}).content.decode()
    assert "带标签的" in page and "不带标签的" not in page
    assert "不带标签的" in client.get(url, {"utm": "1"}).content.decode()
