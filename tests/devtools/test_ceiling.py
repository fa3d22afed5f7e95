"""The benchmark's ceiling view exists only when DEVTOOLS and BENCHMARK_CEILING are both set."""

import importlib

import pytest
from django.urls import clear_url_caches

import kb.urls


@pytest.fixture
def urlconf_with(settings):
    """Rebuild kb.urls under the given settings; the original one is rebuilt afterwards."""
    original = {"DEVTOOLS": settings.DEVTOOLS, "BENCHMARK_CEILING": settings.BENCHMARK_CEILING}

    def build(**values):
        for name, value in values.items():
            setattr(settings, name, value)
        importlib.reload(kb.urls)
        clear_url_caches()

    yield build
    build(**original)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("devtools", "ceiling", "status"),
    [(True, True, 200), (True, False, 404), (False, True, 404)],
)
def test_ceiling_needs_devtools_and_the_ceiling_setting(
    client, urlconf_with, devtools, ceiling, status
):
    urlconf_with(DEVTOOLS=devtools, BENCHMARK_CEILING=ceiling)
    response = client.get("/bench/ceiling/")
    assert response.status_code == status
    if status == 200:
        assert response.content == b"ok"
