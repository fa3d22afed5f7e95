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
    """Also keeps the keys under OPTIONS["NEAR_PREFIXES"] in each process (near_cache.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._options = dict(self._options)
        self._near_prefixes = tuple(self._options.pop("NEAR_PREFIXES", ()))

    @functools.cached_property
    def _near(self) -> NearCache | None:
        # Django's RedisCache keeps its LOCATIONs and pool options (untyped in the stubs).
        servers: list[str] = self._servers  # type: ignore[attr-defined]
        # Reads from replicas (several LOCATIONs) could lag the primary it tracks.
        if not self._near_prefixes or len(servers) != 1:
            return None
        prefixes = [self.make_key(prefix) for prefix in self._near_prefixes]
        return NearCache(servers[0], self._cache._pool_options, prefixes)  # type: ignore[attr-defined]

    def get_near(self, key, default=None):
        """``get``, answered in this process for a key under NEAR_PREFIXES while Redis tracks it."""
        near = self._near
        if near is None:
            return self.get(key, default)
        full_key = self.make_key(key)
        if not near.tracks(full_key):
            return self.get(key, default)
        raw = near.get_many([full_key], self._raw_with_ttl).get(full_key)
        return default if raw is None else self._cache._serializer.loads(raw)

    def get_many_near(self, keys):
        """``get_many``, the keys under NEAR_PREFIXES answered in this process where kept."""
        near = self._near
        full = {self.make_key(key): key for key in keys}
        if near is None:
            return self.get_many(keys)
        tracked = [full_key for full_key in full if near.tracks(full_key)]
        untracked = [key for full_key, key in full.items() if not near.tracks(full_key)]
        result = self.get_many(untracked) if untracked else {}
        loads = self._cache._serializer.loads
        for full_key, raw in near.get_many(tracked, self._raw_with_ttl).items():
            result[full[full_key]] = loads(raw)
        return result

    def _raw_with_ttl(self, full_keys):
        """{key: (raw value, seconds to live)} in one round trip; a failure reads as misses."""
        try:
            pipe = self._cache.get_client(write=False).pipeline(transaction=False)
            pipe.mget(full_keys)
            for key in full_keys:
                pipe.pttl(key)
            raws, *ttls = pipe.execute()
        except RedisError as error:
            logger.warning("cache get_many failed, treated as a miss: %s", error)
            return {}
        # PTTL: -1 no expiry, -2 gone (then the value read is None as well).
        return {
            key: (raw, None if ttl == -1 else ttl / 1000)
            for key, raw, ttl in zip(full_keys, raws, ttls, strict=True)
        }

    def _near_forget(self, keys):
        near = self._near
        if near is not None:
            near.forget(self.make_key(key) for key in keys)

    def _near_forget_all(self):
        near = self._near
        if near is not None:
            near.forget_all()


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


def _forgetting(name, many=False):
    method = getattr(ResilientRedisCache, name)

    @functools.wraps(method)
    def wrapper(self, keys, *args, **kwargs):
        # This process's copy goes at once; the other processes' on Redis's push.
        self._near_forget(keys if many else [keys])
        return method(self, keys, *args, **kwargs)

    return wrapper


for _name in ("set", "add", "delete", "incr", "touch"):
    setattr(ResilientRedisCache, _name, _forgetting(_name))
for _name in ("set_many", "delete_many"):
    setattr(ResilientRedisCache, _name, _forgetting(_name, many=True))


_clear = ResilientRedisCache.clear


@functools.wraps(_clear)
def _clear_forgetting(self):
    # As any write from this process: its copies go at once, not on Redis's push.
    self._near_forget_all()
    return _clear(self)


ResilientRedisCache.clear = _clear_forgetting  # type: ignore[method-assign]
