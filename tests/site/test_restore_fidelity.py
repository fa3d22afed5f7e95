"""A restored database serves the seed essay faithfully (issue 19), at once (issue 32.3).

The live test database is backed up (pg_dump, or SQLite's online backup API),
restored into a fresh database, and a production app server started on the
restored copy serves the essay page, which must pass the same sentence-by-sentence
fidelity check the essay page test applies to the live database. Restoring over a
serving site, the page shows the restored data on the next request, not a cached copy.
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
def backup(tmp_path, seed_essay):
    path = tmp_path / backup_file_name(connection.vendor, datetime.datetime.now(datetime.UTC))
    backup_write(connection, path)
    return path


@pytest.fixture
def restored_url(tmp_path, backup, request):
    """A database URL of a fresh database restored from a backup of the live one."""
    vendor = connection.vendor
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


def server_env(tmp_path, database_url):
    env = production_env(
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL=redis_url(10),
        CACHE_KEY_PREFIX=f"kb-restore-{secrets.token_hex(4)}",
    )
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    return env


def page_at(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url) as answer:  # noqa: S310 (a loopback server of the test)
        assert answer.status == 200
        return answer.read().decode(), answer.headers.get("X-Page-Cache", "")


def test_restored_database_passes_the_seed_fidelity_check(
    tmp_path, seed_essay, seed_text, restored_url
):
    env = server_env(tmp_path, restored_url)
    process, base = gunicorn_start(env=env, workers=1)
    try:
        page, _ = page_at(base + iri_to_uri(seed_essay.get_absolute_url()))
    finally:
        gunicorn_stop(process)
    assert_essay_fidelity(page, seed_text)


ADD_REFLECTION = """
from experiences.models import Principle, Reflection, User
author = User.objects.create_user("huifu", password="Huifu-2026-pass")
Reflection.objects.create(author=author, principle=Principle.objects.get(position=1),
    title="恢复前写的心得", body="先听群众把话说完。", body_html="<p>先听群众把话说完。</p>",
    status="published")
"""


def test_a_restore_over_a_serving_site_flushes_its_cache(
    tmp_path, seed_essay, backup, restored_url
):
    env = server_env(tmp_path, restored_url)
    manage("shell", "-c", ADD_REFLECTION, env=env)
    process, base = gunicorn_start(env=env, workers=1)
    try:
        url = base + iri_to_uri(seed_essay.principles.get(position=1).get_absolute_url())
        page_at(url)
        page, cached = page_at(url)
        assert cached == "hit" and "恢复前写的心得" in page
        out = manage("restore", str(backup), "--force", env=env)
        assert "已把" in out
        page, cached = page_at(url)
        assert cached == "miss" and "恢复前写的心得" not in page
    finally:
        gunicorn_stop(process)
