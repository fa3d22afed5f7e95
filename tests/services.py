"""Where the suite finds the services it talks to, from the environment.

`make test` runs the suite through .ci/with-redis, which sets KB_TEST_REDIS_PORT to the
Redis it started (REDIS_PORT=6390 make test beside another copy's suite); 6379 otherwise.

Redis database numbers: 5 to 11 belong to one test module each (the number is written
where it is used), so modules running side by side on pytest-xdist workers never share
one. 12 to 15 are left for the suite's own cache (REDIS_URL, CI's PostgreSQL pass):
each xdist worker takes its own number, counting down from REDIS_URL's.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_PORT = int(os.environ.get("KB_TEST_REDIS_PORT", "6379"))
MODULE_DATABASES = range(5, 12)


def redis_url(db: int) -> str:
    """A Redis database of the suite's Redis: each test module keeps to its own number."""
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"


def worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL for the xdist worker named ``worker`` (gw0, gw1, ...): gw0 keeps the
    database of ``url``, gw1 takes the number below it, and so on, because each test
    empties its database (FLUSHDB) and a worker must not empty another's."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if db < 0 or db in MODULE_DATABASES:
        raise ValueError(
            f"REDIS_URL={url} leaves worker {worker} database {db}, which is not the suite's own:"
            " name a database from 12 to 15 and run at most (that number - 11) workers."
        )
    return urlunsplit(parts._replace(path=f"/{db}"))
