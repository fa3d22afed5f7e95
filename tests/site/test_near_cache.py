"""The per-process copy of hot keys (kb/near_cache.py) against a live Redis.

What it may never do: serve a value after another client (another app server)
changed it. What it is for: answering without a round trip while nothing changed.
"""

import secrets
from unittest import mock

import pytest
import redis

from kb import near_cache
from kb.cache import ResilientRedisCache
from tests.services import redis_url

# A database of its own: the flush test empties it.
URL = redis_url(8)


def backend_for(url=URL, near_prefixes=("version",)):
    return ResilientRedisCache(
        url,
        {
            "KEY_PREFIX": f"kb-near-{secrets.token_hex(4)}",
            "OPTIONS": {
                "NEAR_PREFIXES": list(near_prefixes),
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.5,
            },
        },
    )


@pytest.fixture
def backend():
    backend = backend_for()
    backend.set("version", 1)
    yield backend
    backend.delete("version")
    if backend._near is not None:
        with backend._near._lock:
            backend._near._disconnect()


@pytest.fixture
def other():
    """Another app server's connection."""
    client = redis.Redis.from_url(URL)
    yield client
    client.close()


def full(backend, key="version"):
    return backend.make_and_validate_key(key)


def test_a_kept_value_is_answered_without_asking_redis(backend):
    assert backend.get_near("version") == 1
    with mock.patch.object(backend, "_raw_with_ttl", side_effect=AssertionError("asked Redis")):
        assert backend.get_near("version") == 1
        assert backend.get_many_near(["version"]) == {"version": 1}


def test_a_write_by_another_server_shows_on_the_very_next_read(backend, other):
    assert backend.get_near("version") == 1
    for expected in range(2, 302):
        other.incr(full(backend))
        assert backend.get_near("version") == expected


def test_a_write_from_this_process_shows_at_once(backend):
    assert backend.get_near("version") == 1
    backend.incr("version")
    assert backend.get_near("version") == 2
    backend.delete("version")
    assert backend.get_near("version", "gone") == "gone"


def test_a_write_from_this_process_needs_no_push(backend, monkeypatch):
    assert backend.get_near("version") == 1
    # No push arrives and no confirmation is due: only the process's own forgetting works.
    monkeypatch.setattr(near_cache, "CONFIRM_SECONDS", 3600.0)
    monkeypatch.setattr(backend._near._connection, "can_read", lambda timeout=0: False)
    backend.incr("version")
    assert backend.get_near("version") == 2
    backend.set_many({"version": 5})
    assert backend.get_near("version") == 5
    backend.delete_many(["version"])
    assert backend.get_near("version") is None
    backend.set("version", 7)
    assert backend.get_near("version") == 7
    backend.clear()  # FLUSHDB: what the test suite does between tests on Redis
    assert backend.get_near("version") is None


def test_a_value_read_while_it_changed_is_not_kept(backend, other):
    real_load = backend._raw_with_ttl

    def load_then_another_server_writes(keys):
        found = real_load(keys)
        other.incr(full(backend))
        return found

    with mock.patch.object(backend, "_raw_with_ttl", side_effect=load_then_another_server_writes):
        assert backend.get_near("version") == 1  # what Redis held when it was read
    assert backend.get_near("version") == 2


def test_a_value_is_kept_no_longer_than_redis_keeps_it(backend, monkeypatch):
    backend.set("version:session", {"user": "7"}, timeout=30)
    assert backend.get_near("version:session") == {"user": "7"}
    clock = [near_cache.time.monotonic()]
    monkeypatch.setattr(near_cache.time, "monotonic", lambda: clock[0])
    with mock.patch.object(backend, "_raw_with_ttl", wraps=backend._raw_with_ttl) as load:
        clock[0] += 29
        assert backend.get_near("version:session") == {"user": "7"}
        assert load.call_count == 0
        clock[0] += 2  # past its TTL: asked again, whatever Redis has done about it yet
        backend.get_near("version:session")
        assert load.call_count == 1


def test_every_read_gets_its_own_object(backend):
    backend.set("version:user", {"perms": set()})
    first = backend.get_near("version:user")
    first["perms"].add("leaked")
    assert backend.get_near("version:user") == {"perms": set()}


def test_many_keys_at_once_tracked_or_not(backend, other):
    backend.set("other", "甲")
    backend.set("version:a", "乙")
    assert backend.get_many_near(["version", "version:a", "version:none", "other"]) == {
        "version": 1,
        "version:a": "乙",
        "other": "甲",
    }
    other.set(full(backend, "version:none"), 3)
    assert backend.get_many_near(["version", "version:none"]) == {"version": 1, "version:none": 3}


def test_the_number_of_values_kept_is_bounded(backend, monkeypatch):
    monkeypatch.setattr(near_cache, "MAX_ENTRIES", 3)
    for i in range(5):
        backend.set(f"version:{i}", i)
        assert backend.get_near(f"version:{i}") == i
    assert len(backend._near._values) == 3


def test_a_flush_forgets_everything(backend, other):
    assert backend.get_near("version") == 1
    other.flushdb()
    assert backend.get_near("version") is None


def test_keys_not_named_are_plain_gets(backend, other):
    backend.set("other", "甲")
    assert backend.get_near("other") == "甲"
    other.set(full(backend, "other"), 7)  # not tracked: nothing kept to go stale
    assert backend.get_near("other") == 7
    assert full(backend, "other") not in backend._near._values


def test_a_killed_tracking_connection_stops_the_copies_then_reconnects(backend, other, monkeypatch):
    assert backend.get_near("version") == 1
    connection = backend._near._connection
    connection.send_command("CLIENT", "ID")
    assert other.client_kill_filter(_id=connection.read_response()) == 1
    other.incr(full(backend))
    monkeypatch.setattr(near_cache, "RETRY_SECONDS", 0.0)
    assert backend.get_near("version") == 2
    # Tracking again: kept, and still told of writes.
    assert backend.get_near("version") == 2
    assert backend._near._connection not in (None, connection)
    other.incr(full(backend))
    assert backend.get_near("version") == 3


def test_a_silently_dead_connection_stops_serving_within_the_confirmation_time(
    backend, other, monkeypatch
):
    assert backend.get_near("version") == 1
    connection = backend._near._connection
    # The network drops everything from now on: no push, no PONG.
    monkeypatch.setattr(connection, "can_read", lambda timeout=0: False)
    monkeypatch.setattr(
        connection, "read_response", mock.Mock(side_effect=redis.exceptions.TimeoutError)
    )
    other.incr(full(backend))
    clock = [near_cache.time.monotonic()]
    monkeypatch.setattr(near_cache.time, "monotonic", lambda: clock[0])
    assert backend.get_near("version") == 1  # within CONFIRM_SECONDS of the last confirmation
    clock[0] += near_cache.CONFIRM_SECONDS
    assert backend.get_near("version") == 2
    assert backend._near._connection is None


def test_a_forked_process_starts_afresh(backend, monkeypatch):
    assert backend.get_near("version") == 1
    inherited = backend._near._connection
    monkeypatch.setattr(near_cache.os, "getpid", lambda: -1)
    with mock.patch.object(backend, "_raw_with_ttl", wraps=backend._raw_with_ttl) as load:
        assert backend.get_near("version") == 1
    assert load.call_count == 1
    assert backend._near._connection is not inherited
    inherited.disconnect()


def test_redis_down_is_a_miss_and_reconnects_are_spaced():
    backend = backend_for("redis://127.0.0.1:1/0")
    with mock.patch.object(near_cache.NearCache, "_connect", autospec=True) as connect:
        connect.side_effect = redis.exceptions.ConnectionError("refused")
        for _ in range(5):
            assert backend.get_near("version", "fallback") == "fallback"
    assert connect.call_count == 1


def test_several_servers_or_no_keys_mean_no_copies():
    assert backend_for(near_prefixes=())._near is None
    assert backend_for(f"{URL},{URL}")._near is None


@pytest.mark.django_db
def test_sessions_are_read_from_the_copy_and_a_sign_out_ends_them():
    from django.core.cache import caches
    from django.test import override_settings

    from kb.sessions import SessionStore

    redis_cache = {
        "default": {
            "BACKEND": "kb.cache.ResilientRedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": f"kb-near-{secrets.token_hex(4)}",
            "OPTIONS": {"NEAR_PREFIXES": ["django.contrib.sessions.cached_db"]},
        }
    }
    with override_settings(CACHES=redis_cache):
        store = SessionStore()
        store["_auth_user_id"] = "7"
        store.create()
        assert SessionStore(store.session_key)["_auth_user_id"] == "7"  # read, and kept
        with mock.patch.object(
            ResilientRedisCache, "_raw_with_ttl", side_effect=AssertionError("asked Redis")
        ):
            assert SessionStore(store.session_key)["_auth_user_id"] == "7"
        SessionStore(store.session_key).delete()  # a sign-out, in "another" store
        assert SessionStore(store.session_key).load() == {}
        caches["default"].clear()


def test_a_change_to_another_key_does_not_cost_a_load_its_copy(backend, other):
    real_load = backend._raw_with_ttl

    def load_while_another_key_changes(keys):
        found = real_load(keys)
        other.set(full(backend, "version:elsewhere"), 1)
        return found

    with mock.patch.object(backend, "_raw_with_ttl", side_effect=load_while_another_key_changes):
        assert backend.get_near("version") == 1
    with mock.patch.object(backend, "_raw_with_ttl", side_effect=AssertionError("asked Redis")):
        assert backend.get_near("version") == 1


def test_an_unreadable_push_drops_every_copy(backend):
    assert backend.get_near("version") == 1
    backend._near._invalidated([b"invalidate", [["not", "a", "key"]]])
    assert backend._near._values == {}


def test_an_idle_process_reconnects_instead_of_reading_its_backlog(backend, other, monkeypatch):
    assert backend.get_near("version") == 1
    connection = backend._near._connection
    other.incr(full(backend))
    clock = [near_cache.time.monotonic() + near_cache.IDLE_SECONDS]
    monkeypatch.setattr(near_cache.time, "monotonic", lambda: clock[0])
    assert backend.get_near("version") == 2
    assert backend._near._connection not in (None, connection)


def test_overlapping_prefixes_are_tracked_as_one():
    backend = backend_for(near_prefixes=("version", "version:sub", "other:"))
    assert backend._near._prefixes == (full(backend, "other:"), full(backend, "version"))
    backend.set("version:sub:1", 5)
    try:
        assert backend.get_near("version:sub:1") == 5
        assert backend._near._connection is not None  # Redis took the prefixes
    finally:
        backend.delete("version:sub:1")
        with backend._near._lock:
            backend._near._disconnect()


@pytest.mark.django_db
def test_an_unreadable_session_copy_reads_as_none():
    from django.core.cache import caches
    from django.test import override_settings

    from kb.sessions import SessionStore

    redis_cache = {
        "default": {
            "BACKEND": "kb.cache.ResilientRedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": f"kb-near-{secrets.token_hex(4)}",
            "OPTIONS": {"NEAR_PREFIXES": ["django.contrib.sessions.cached_db"]},
        }
    }
    with override_settings(CACHES=redis_cache):
        store = SessionStore()
        store["_auth_user_id"] = "7"
        store.create()
        with mock.patch.object(
            ResilientRedisCache, "get_near", side_effect=ValueError("unpickling failed")
        ):
            assert SessionStore(store.session_key)["_auth_user_id"] == "7"  # Django's own load
        caches["default"].clear()
