"""Every page survives hostile query parameters and path segments: 404 or ignored, never 500.

``str.isdigit`` accepts ² and ①, which ``int`` refuses; PostgreSQL refuses NUL
in a query parameter; a huge number overflows a bigint. The walk below feeds
each of these to every parameter each view reads, anonymous and signed in.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["\u00b2", "\u2460", "-1", str(10**23), "", "abc", "\x00", "x" * 10_000]

# Each page and the query parameters its view reads.
PAGES = {
    "home": [],
    "reflections": ["principle", "tag", "sort", "page"],
    "search": ["q", "kind", "tag", "principle", "page"],
    "tags": [],
    "feed": [],
}


@pytest.fixture
def site(seed_essay, user):
    principle = seed_essay.principles.first()
    principle.tags.add("群众工作")
    reflection = ReflectionFactory(author=user, principle=principle)
    reflection.tags.add("群众工作")
    return {
        "home": reverse("experiences:home"),
        "essay": seed_essay.get_absolute_url(),
        "principle": principle.get_absolute_url(),
        "reflections": reverse("experiences:reflection_list"),
        "reflection": reflection.get_absolute_url(),
        "search": reverse("experiences:search"),
        "tags": reverse("experiences:tag_list"),
        "tag": reverse("experiences:tag_detail", kwargs={"name": "群众工作"}),
        "feed": reverse("experiences:feed_reflections"),
        "user": user.get_absolute_url(),
    }


def _urls(site):
    readers = {**PAGES, "principle": ["sort", "page"], "tag": ["sort", "page"], "user": ["page"]}
    for page, params in readers.items():
        for name in params:
            for value in HOSTILE:
                yield f"{site[page]}?{name}={quote(value)}"
                # Alongside a sensible query, so the parameter is really used.
                yield f"{site[page]}?q=%E7%BE%A4%E4%BC%97&{name}={quote(value)}"
    # Path segments that name an object.
    for value in HOSTILE:
        if not value:
            continue
        segment = quote(value, safe="")
        yield f"/essays/{segment}/"
        yield f"{site['essay']}{segment}/"
        yield f"/reflections/{segment}/"
        yield f"/tags/{segment}/"
        yield f"/feeds/tags/{segment}/"
        yield f"/feeds/principles/{segment}/"
        yield f"/users/{segment}/"


def _walk(client, site, extra=()):
    failures = []
    for url in [*_urls(site), *extra]:
        response = client.get(url)
        if response.status_code >= 500 or response.status_code not in {200, 301, 302, 404}:
            failures.append((url[:120], response.status_code))
    return failures


def test_anonymous_walk_never_fails(client, site):
    assert _walk(client, site) == []


def test_signed_in_walk_never_fails(client, site, user):
    client.force_login(user)
    new = reverse("experiences:reflection_create")
    extra = [f"{new}?principle={quote(value)}" for value in HOSTILE]
    assert _walk(client, site, extra) == []


@pytest.mark.parametrize("value", ["\u00b2", "\u2460", str(10**23)])
def test_unicode_digits_are_ignored_not_parsed(client, site, user, value):
    """The filter is dropped: the page answers as if it were not given."""
    response = client.get(f"{site['reflections']}?principle={quote(value)}")
    assert response.status_code == 200
    assert response.context["principle"] is None
    client.force_login(user)
    response = client.get(f"{reverse('experiences:reflection_create')}?principle={quote(value)}")
    assert response.status_code == 200
    assert response.context["form"].initial.get("principle") is None
