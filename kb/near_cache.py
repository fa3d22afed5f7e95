"""Hot keys kept in each process, dropped the moment Redis says they changed.

Every cached page checks the site-wide content version (``caching.py``) before it
is served, and a signed-in one also reads the session, the user row and what is
known of the viewer: Redis round trips that cost a page hit more than everything
else it did (0.13–0.19 ms of CPU each, against 0.03 ms for the rest of an
anonymous hit). So each process keeps the raw values of the keys under the cache's
``NEAR_PREFIXES`` and asks Redis to tell it when they change: Redis's client
tracking in broadcast mode (``CLIENT TRACKING ON BCAST PREFIX …``) pushes an
``invalidate`` message on this process's own tracking connection for every write
to a key under those prefixes, by any client, expiry and eviction included, in the
same event-loop turn as the write's reply. Before a kept value is used the pushes
that have arrived are read (a non-blocking poll), so a change made on any server
is seen by every server's next request, as before, without asking Redis for it.

A kept value is used only while that holds:

- a value read while an invalidation arrived is not kept (it may predate it);
- it is kept no longer than its Redis TTL (read with it), so an expired session
  is never answered from here even before Redis gets round to deleting it;
- at most ``CONFIRM_SECONDS`` after the last confirmation a PING goes over the
  tracking connection and its PONG comes after every push sent before it, so a
  connection that died silently stops serving within that time;
- any error on the tracking connection, a FLUSHDB/FLUSHALL, or a fork (gunicorn
  preloads the app) drops every kept value; reads then go to Redis as before,
  and the connection is tried again every ``RETRY_SECONDS``.

Values are kept as the bytes Redis holds and unpickled on every read: no request
ever shares an object (a user with its permission cache) with another.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from redis import ConnectionPool
from redis.exceptions import RedisError

logger = logging.getLogger("kb.cache")

CONFIRM_SECONDS = 1.0
RETRY_SECONDS = 5.0
# Sessions, users and viewer facts of the colleagues active on this process.
MAX_ENTRIES = 4096

# A loader answers {full key: (raw bytes or None, seconds to live or None for no expiry)}.
Loader = Callable[[list[str]], dict[str, tuple[bytes | None, float | None]]]


class NearCache:
    """Raw values of the keys under the tracked prefixes (full Redis keys), in this process."""

    def __init__(self, url: str, pool_options: dict[str, Any], prefixes: Iterable[str]) -> None:
        self._url = url
        # RESP3 so that invalidations arrive as pushes on the tracking connection itself.
        self._pool_options = {**pool_options, "protocol": 3}
        self._prefixes = tuple(sorted(set(prefixes)))
        self._lock = threading.Lock()
        # full key -> (raw value, monotonic deadline or None)
        self._values: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._connection: Any = None
        self._pid = os.getpid()
        self._confirmed_at = 0.0
        self._retry_at = 0.0
        # Counts invalidations and resets: a value read across a change is not kept.
        self._epoch = 0

    def tracks(self, key: str) -> bool:
        return key.startswith(self._prefixes)

    def get_many(self, keys: list[str], load: Loader) -> dict[str, bytes]:
        """The raw values of ``keys`` found: kept ones from here, the rest from ``load``."""
        found: dict[str, bytes] = {}
        with self._lock:
            ready = self._ready()
            now = time.monotonic()
            missing = []
            for key in keys:
                kept = self._values.get(key) if ready else None
                if kept is not None and (kept[1] is None or kept[1] > now):
                    self._values.move_to_end(key)
                    found[key] = kept[0]
                else:
                    missing.append(key)
            epoch = self._epoch
        if not missing:
            return found
        loaded = load(missing)
        with self._lock:
            keep = ready and self._ready() and self._epoch == epoch
            now = time.monotonic()
            for key, (raw, ttl) in loaded.items():
                if raw is None:
                    continue
                found[key] = raw
                if keep and (ttl is None or ttl > 0):
                    self._values[key] = (raw, None if ttl is None else now + ttl)
                    self._values.move_to_end(key)
            while len(self._values) > MAX_ENTRIES:
                self._values.popitem(last=False)
        return found

    def forget(self, keys: Iterable[str]) -> None:
        """Drop this process's values of ``keys`` at once (a write from this process)."""
        with self._lock:
            self._epoch += 1
            for key in keys:
                self._values.pop(key, None)

    # What follows runs under the lock.

    def _ready(self) -> bool:
        """Whether kept values may be used: connected, pushes read, confirmed recently."""
        if self._pid != os.getpid():
            # A forked worker shares its parent's socket: never read or close it here.
            self._pid, self._connection = os.getpid(), None
            self._drop_all()
        now = time.monotonic()
        try:
            if self._connection is None:
                if now < self._retry_at:
                    return False
                self._connect()
                self._confirmed_at = now
            elif now - self._confirmed_at >= CONFIRM_SECONDS:
                self._connection.send_command("PING")
                self._connection.read_response()  # pushes sent before the PONG are read first
                self._confirmed_at = now
            else:
                while self._connection.can_read(timeout=0):
                    self._connection.read_response(push_request=True)
        except (RedisError, OSError) as error:
            logger.warning("near cache off for %.0f s: %s", RETRY_SECONDS, error)
            self._disconnect()
            self._retry_at = now + RETRY_SECONDS
            return False
        return True

    def _connect(self) -> None:
        pool = ConnectionPool.from_url(self._url, **self._pool_options)
        connection: Any = pool.make_connection()
        connection.connect()
        connection._parser.set_invalidation_push_handler(self._invalidated)
        prefixes = [word for prefix in self._prefixes for word in ("PREFIX", prefix)]
        connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", *prefixes)
        connection.read_response()  # OK, or a ResponseError (a RedisError)
        self._drop_all()
        self._connection = connection

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        self._drop_all()
        if connection is not None:
            with contextlib.suppress(RedisError, OSError):
                connection.disconnect()

    def _drop_all(self) -> None:
        self._epoch += 1
        self._values.clear()

    def _invalidated(self, push: list[Any]) -> None:
        # [b"invalidate", [key, ...]], or [b"invalidate", None] after FLUSHDB/FLUSHALL.
        self._epoch += 1
        keys = push[1] if len(push) > 1 else None
        if keys is None:
            self._values.clear()
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)
