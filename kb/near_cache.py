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
  tracking connection and its PONG comes after every push sent before it: a push
  held up on the way (a lost packet) or a connection that died silently delays a
  change by that much at most, and the PING waits for the push or fails;
- any error on the tracking connection or in reading a push, a FLUSHDB/FLUSHALL,
  or a fork (gunicorn preloads the app) drops every kept value; reads then go to
  Redis as before, and the connection is tried again every ``RETRY_SECONDS``;
- a process idle for ``IDLE_SECONDS`` reconnects rather than read the pushes it
  missed (Redis holds them for it meanwhile: its output buffer, which
  ``maxmemory-clients`` can bound in production).

Django keeps one cache object per thread, so a gthread worker has one of these
(and one tracking connection) per thread.

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
from redis._parsers import _RESP3Parser
from redis.exceptions import RedisError, ResponseError

logger = logging.getLogger("kb.cache")

CONFIRM_SECONDS = 0.25
RETRY_SECONDS = 5.0
IDLE_SECONDS = 30.0
# Sessions, users and viewer facts of the colleagues active on this process.
MAX_ENTRIES = 4096

# A loader answers {full key: (raw bytes or None, seconds to live or None for no expiry)}.
Loader = Callable[[list[str]], dict[str, tuple[bytes | None, float | None]]]


class NearCache:
    """Raw values of the keys under the tracked prefixes (full Redis keys), in this process."""

    def __init__(self, url: str, pool_options: dict[str, Any], prefixes: Iterable[str]) -> None:
        self._url = url
        # RESP3 so that invalidations arrive as pushes on the tracking connection itself,
        # read by redis-py's own parser (hiredis's, if installed, may not know pushes).
        self._pool_options = {**pool_options, "protocol": 3, "parser_class": _RESP3Parser}
        # Redis refuses overlapping prefixes; a shorter one covers the longer anyway.
        unique = set(prefixes)
        self._prefixes = tuple(
            sorted(p for p in unique if not any(p != q and p.startswith(q) for q in unique))
        )
        self._lock = threading.Lock()
        # full key -> (raw value, monotonic deadline or None)
        self._values: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._connection: Any = None
        self._pid = os.getpid()
        self._confirmed_at = 0.0
        self._retry_at = 0.0
        # Loads in flight per key, and those invalidated meanwhile (not kept); resets and
        # flushes count in the epoch instead.
        self._loading: dict[str, int] = {}
        self._stale: set[str] = set()
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
            if not missing:
                return found
            for key in missing:
                self._loading[key] = self._loading.get(key, 0) + 1
            epoch = self._epoch
        try:
            loaded = load(missing)
        finally:
            with self._lock:
                keep = ready and self._ready() and self._epoch == epoch
                stale = set(self._stale)
                for key in missing:
                    self._loading[key] -= 1
                    if not self._loading[key]:
                        del self._loading[key]
                        self._stale.discard(key)
        with self._lock:
            now = time.monotonic()
            for key, (raw, ttl) in loaded.items():
                if raw is None:
                    continue
                found[key] = raw
                if keep and key not in stale and (ttl is None or ttl > 0):
                    self._values[key] = (raw, None if ttl is None else now + ttl)
                    self._values.move_to_end(key)
            while len(self._values) > MAX_ENTRIES:
                self._values.popitem(last=False)
        return found

    def forget(self, keys: Iterable[str]) -> None:
        """Drop this process's values of ``keys`` at once (a write from this process)."""
        with self._lock:
            for key in keys:
                self._drop(key)

    def forget_all(self) -> None:
        """Drop every value kept in this process at once (a flush from this process)."""
        with self._lock:
            self._drop_all()

    # What follows runs under the lock.

    def _ready(self) -> bool:
        """Whether kept values may be used: connected, pushes read, confirmed recently."""
        if self._pid != os.getpid():
            # A forked worker shares its parent's socket: never read or close it here.
            self._pid, self._connection = os.getpid(), None
            self._drop_all()
        now = time.monotonic()
        try:
            connection = self._connection
            # redis-py reconnects a closed connection by itself, without tracking; and an
            # idle process's backlog of pushes costs less dropped than read.
            if connection is not None and (
                connection._sock is None or now - self._confirmed_at >= IDLE_SECONDS
            ):
                self._disconnect()
                connection = None
            if connection is None:
                if now < self._retry_at:
                    return False
                self._connect()
                self._confirmed_at = now
            elif now - self._confirmed_at >= CONFIRM_SECONDS:
                connection.send_command("PING")
                # Pushes sent before the PONG are read (and handled) first.
                if connection.read_response() not in (b"PONG", "PONG"):
                    raise ResponseError("the tracking connection did not answer PING")
                self._confirmed_at = now
            else:
                while connection.can_read(timeout=0):
                    connection.read_response(push_request=True)
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
        if not isinstance(connection._parser, _RESP3Parser):
            raise ResponseError("the tracking connection does not read RESP3 pushes")
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

    def _drop(self, key: str) -> None:
        self._values.pop(key, None)
        if key in self._loading:
            self._stale.add(key)

    def _drop_all(self) -> None:
        self._epoch += 1
        self._values.clear()

    def _invalidated(self, push: list[Any]) -> None:
        # [b"invalidate", [key, ...]], or [b"invalidate", None] after FLUSHDB/FLUSHALL.
        # redis-py logs and swallows what a push handler raises: nothing may escape here.
        try:
            keys = push[1] if len(push) > 1 else None
            if keys is None:
                self._drop_all()
                return
            for key in keys:
                self._drop(
                    key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key
                )
        except Exception:
            logger.exception("unreadable invalidation: every kept value dropped")
            self._drop_all()
