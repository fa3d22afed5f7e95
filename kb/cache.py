"""A Redis cache that degrades to "no cache" when Redis is unreachable.

Django's own RedisCache raises when Redis is down, which would turn a cache
outage into errors on every page. Here every cache operation that fails with a
Redis error is logged and answered as a miss, so the site keeps serving from
the database, slower but correct.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from kb.near_cache import NearCache

logger = logging.getLogger("kb.cache")

# What a failed call answers instead: (args, kwargs) -> the answer of a miss.
MISS_ANSWERS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], Any] | None] = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "incr": None,  # re-raise as ValueError below: callers treat it as "no such key"
}


def _resilient(name):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("cache %s failed, treated as a miss: %s", name, error)
            if name == "incr":
                raise ValueError("cache unavailable") from error
            answer = MISS_ANSWERS.get(name)
            return answer(args, kwargs) if answer else None

    return wrapper


class ReusingRedisCacheClient(RedisCacheClient):
    """Builds one redis.Redis per connection pool instead of one per cache call.

    Constructing a client costs ~0.12 ms (it fills a table of ~170 response
    callbacks), as much as the round trip itself; the client is thread-safe.
    """

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class ResilientRedisCache(RedisCache):
    """Also keeps the keys named in OPTIONS["NEAR_KEYS"] in each process (near_cache.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._options = dict(self._options)
        self._near_keys = tuple(self._options.pop("NEAR_KEYS", ()))

    @functools.cached_property
    def _near(self) -> NearCache | None:
        # Django's RedisCache keeps its LOCATIONs and pool options (untyped in the stubs).
        servers: list[str] = self._servers  # type: ignore[attr-defined]
        # Reads from replicas (several LOCATIONs) could lag the primary it tracks.
        if not self._near_keys or len(servers) != 1:
            return None
        keys = [self.make_and_validate_key(key) for key in self._near_keys]
        return NearCache(servers[0], self._cache._pool_options, keys)  # type: ignore[attr-defined]

    def get_near(self, key, default=None):
        """``get``, answered in this process for a NEAR_KEYS key while Redis tracks it."""
        near = self._near
        full_key = self.make_and_validate_key(key)
        if near is None or not near.tracks(full_key):
            return self.get(key, default)
        value = near.get(full_key, lambda: self.get(key))
        return default if value is None else value

    def _near_forget(self, key):
        near = self._near
        if near is not None:
            near.forget(self.make_and_validate_key(key))


for _name in (
    "get",
    "set",
    "add",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "incr",
    "clear",
):
    setattr(ResilientRedisCache, _name, _resilient(_name))


def _forgetting(name):
    method = getattr(ResilientRedisCache, name)

    @functools.wraps(method)
    def wrapper(self, key, *args, **kwargs):
        # This process's copy goes at once; the other processes' on the push.
        self._near_forget(key)
        return method(self, key, *args, **kwargs)

    return wrapper


for _name in ("set", "add", "delete", "incr"):
    setattr(ResilientRedisCache, _name, _forgetting(_name))
