"""Refusing to run a development tool against a database that matters.

The benchmarks fill the database with synthetic users and reflections; the
fault drill creates 50 staff users with a known password and restarts the
local PostgreSQL cluster. Pointed at a real database by mistake (a leftover
DATABASE_URL), any of them would do harm, so all three ask this one function
first: the database must have a scratch name and hold no real reflections.
"""

from pathlib import PurePath

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

# kb_bench, kb_bench_http and kb_drill are what the Makefile creates; test_ is
# Django's prefix for the databases its test runner creates and destroys.
SCRATCH_PREFIXES = ("kb_bench", "kb_drill", "kb_scratch", "test_")
# The users the tools create for themselves (bench0…, drill0…).
TOOL_USERS = ("bench", "drill")


def scratch_name(name) -> bool:
    """True for a scratch database name (for SQLite, the file's name)."""
    return PurePath(str(name or "")).name.startswith(SCRATCH_PREFIXES)


def scratch_database_required(make_target: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise CommandError unless the database is a scratch one that holds no real reflections."""
    from experiences.reflections.models import Reflection

    connection = connections[using]
    name = connection.settings_dict["NAME"]
    in_memory = isinstance(connection, SQLiteDatabaseWrapper) and connection.is_in_memory_db()
    if not (in_memory or scratch_name(name)):
        raise CommandError(
            f"数据库 {name} 不是专门的临时数据库(名字须以 "
            f"{'、'.join(SCRATCH_PREFIXES)} 开头)\uff1a请用 make {make_target}。"
        )
    if Reflection._meta.db_table not in connection.introspection.table_names():
        return  # not migrated yet: nothing real in it
    real = Reflection.objects.using(using)
    for prefix in TOOL_USERS:
        real = real.exclude(author__username__startswith=prefix)
    if real.exists():
        raise CommandError(
            f"这个数据库里有真实的心得\uff1a请用专门的临时数据库\uff08make {make_target}\uff09。"
        )
