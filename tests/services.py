"""Where the suite finds the services it talks to, from the environment.

`make test` runs the suite through .ci/with-redis, which sets KB_TEST_REDIS_PORT to the
Redis it started (REDIS_PORT=6390 make test beside another copy's suite); 6379 otherwise.
"""

import os

REDIS_PORT = int(os.environ.get("KB_TEST_REDIS_PORT", "6379"))


def redis_url(db: int) -> str:
    """A Redis database of the suite's Redis: each test module keeps to its own number."""
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"
