"""CI runs the suite on pytest-xdist workers: each worker's cache is a Redis database of
its own, because every test empties its database and must not empty another worker's."""

import pytest

from tests.services import MODULE_DATABASES, worker_redis_url


def test_each_worker_has_its_own_database_counting_down():
    url = "redis://127.0.0.1:6379/15"
    assert worker_redis_url(url, "gw0") == url
    assert worker_redis_url(url, "gw1") == "redis://127.0.0.1:6379/14"
    assert worker_redis_url("redis://127.0.0.1:6390/13", "gw1") == "redis://127.0.0.1:6390/12"


@pytest.mark.parametrize("worker", ["gw4", "gw20"])
def test_a_worker_never_takes_a_modules_database(worker):
    with pytest.raises(ValueError, match="12 to 15"):
        worker_redis_url("redis://127.0.0.1:6379/15", worker)


def test_module_databases_are_below_the_suites_own():
    assert max(MODULE_DATABASES) < 12
