"""A restored database serves the seed essay faithfully (issue 19).

The live test database is backed up (pg_dump, or SQLite's online backup API),
restored into a fresh database, and a production app server started on the
restored copy serves the essay page, which must pass the same sentence-by-sentence
fidelity check the essay page test applies to the live database.
"""

import datetime
import secrets
import urllib.request

import pytest
from django.db import connection
from django.utils.encoding import iri_to_uri

from experiences.core.backups import backup_file_name, backup_restore, backup_write
from kb.devtools.serving import gunicorn_start, gunicorn_stop, manage, production_env
from tests.essays.fidelity import assert_essay_fidelity
from tests.services import redis_url
from tests.site.test_backups import scratch_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restored_url(tmp_path, seed_essay, request):
    """A database URL of a fresh database restored from a backup of the live one."""
    vendor = connection.vendor
    backup = tmp_path / backup_file_name(vendor, datetime.datetime.now(datetime.UTC))
    backup_write(connection, backup)
    if vendor == "postgresql":
        target = request.getfixturevalue("scratch_database")
        backup_restore(backup, vendor, target)
        user = target.get("USER") or "postgres"
        host = target.get("HOST") or "127.0.0.1"
        port = target.get("PORT") or "5432"
        return f"postgres://{user}@{host}:{port}/{target['NAME']}"
    path = tmp_path / "restored.sqlite3"
    backup_restore(backup, vendor, {**connection.settings_dict, "NAME": str(path)})
    return f"sqlite:///{path}"


def test_restored_database_passes_the_seed_fidelity_check(
    tmp_path, seed_essay, seed_text, restored_url
):
    env = production_env(
        DATABASE_URL=restored_url,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL=redis_url(10),
        CACHE_KEY_PREFIX=f"kb-restore-{secrets.token_hex(4)}",
    )
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    process, base = gunicorn_start(env=env, workers=1)
    try:
        url = base + iri_to_uri(seed_essay.get_absolute_url())
        with urllib.request.urlopen(url) as answer:  # noqa: S310 (the loopback server above)
            assert answer.status == 200
            page = answer.read().decode()
    finally:
        gunicorn_stop(process)
    assert_essay_fidelity(page, seed_text)
