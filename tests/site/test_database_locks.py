"""A table locked by another connection: its pages answer a Chinese 503 in bounded time.

Before, one 40 s lock on the reflections table held every request that read it,
until every gunicorn worker was stuck and /healthz failed too. On PostgreSQL the
lock is LOCK TABLE … IN ACCESS EXCLUSIVE MODE and lock_timeout ends the wait; on
SQLite another connection's write transaction makes the read fail as locked. The
holder lets go after LOCK_HELD seconds at the latest: without a lock limit the
page would answer 200 only then.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.urls import reverse

from experiences.reflections.models import Reflection

pytestmark = pytest.mark.django_db(transaction=True)

LOCK_HELD = 12  # seconds; more than KB_DB_LOCK_TIMEOUT_MS (5 s by default)


class TableLocked:
    """Another connection holds the reflections table until the block ends."""

    def __init__(self):
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.hold)

    def hold(self):
        table = connection.ops.quote_name(Reflection._meta.db_table)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                else:
                    cursor.execute(f"UPDATE {table} SET title = title")  # noqa: S608
                self.locked.set()
                self.release.wait(timeout=LOCK_HELD)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def test_a_page_reading_a_locked_table_answers_503_in_chinese_and_healthz_answers(client):
    with TableLocked():
        page = client.get(reverse("experiences:reflection_list"), {"during": "lock"})
        health = client.get(reverse("healthz"))
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "系统正忙" in page.content.decode()
    assert health.status_code == 200
    # Once the lock is gone the same page answers again.
    assert client.get(reverse("experiences:reflection_list"), {"after": "lock"}).status_code == 200


def test_connections_carry_the_lock_and_statement_limits():
    assert settings.KB_DB_LOCK_TIMEOUT_MS > 0
    assert settings.KB_DB_STATEMENT_TIMEOUT_MS > 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            lock = cursor.fetchone()[0]
            cursor.execute("SHOW statement_timeout")
            statement = cursor.fetchone()[0]
        assert (lock, statement) == ("5s", "15s")
    else:
        # SQLite waits for its write lock up to its own busy timeout, then "database is locked".
        assert settings.DATABASES["default"]["OPTIONS"]["timeout"] > 0
