"""Shared fixtures: the shipped essay, factories, fast password hashing."""

import importlib
import os
from urllib.parse import urlsplit

import pytest

from experiences.essays.seed import SEED_ESSAY
from tests.seed import seed_essay_create
from tests.seed import snapshot_take as seed_snapshot_take
from tests.services import worker_redis_url

SEED_PATH = SEED_ESSAY


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """With REDIS_URL (CI's PostgreSQL pass) cache and sessions live in Redis, as in
    production; each test empties that database (FLUSHDB), so it must be one of its own."""
    url = os.environ.get("REDIS_URL", "")
    if url and urlsplit(url).path.strip("/") in ("", "0"):
        pytest.exit(f"REDIS_URL={url}: name a database of its own, e.g. /15 (FLUSHDB per test).")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        _cache_for_worker(worker_redis_url(url, worker))


def _cache_for_worker(url: str) -> None:
    """On an xdist worker, point the cache (and sessions) at the worker's own Redis
    database. pytest-django loaded the settings before this conftest, so they are
    changed here the way override_settings does it, before any test touches the cache."""
    from django.conf import settings
    from django.test.signals import setting_changed

    os.environ["REDIS_URL"] = url
    caches = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}
    settings.CACHES = caches
    setting_changed.send(sender=None, setting="CACHES", value=caches, enter=True)


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Mail jobs run in-process after commit even when REDIS_URL names a queue (CI's
    Redis pass): no worker runs beside the suite. test_mail.py uses a real queue itself."""
    settings.KB_TASKS_IMMEDIATE = True


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached pages (the cache outlives the database rollback):
    local memory is emptied, or with REDIS_URL that Redis database (FLUSHDB), and no
    version bump is left waiting to be announced (core/caching.py)."""
    from django.core.cache import cache

    from experiences.core import caching

    cache.clear()
    caching._unannounced.clear()
    yield
    cache.clear()
    caching._unannounced.clear()


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, and in it once per session the essay's import (rolled back):
    `seed_essay` copies its rows into each test that asks (tests/seed.py)."""
    with django_db_blocker.unblock():
        seed_snapshot_take()


@pytest.fixture
def seed_essay(db):
    """The cadre's essay as `make run` imports it (its rows, copied from the session's import)."""
    return seed_essay_create()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory(username="xiaowang", display_name="小王")


@pytest.fixture
def other_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="laoli", display_name="老李")


@pytest.fixture
def roles(db):
    """The 版主/编辑 groups. Created by a data migration, but a browser test's
    flush between tests empties them, so tests that need them ask for this."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    if Group.objects.filter(name__in=["版主", "编辑"]).count() < 2:
        roles_migration = importlib.import_module("experiences.migrations.0004_roles")
        roles_migration.roles_create(apps, None)
    return Group.objects.filter(name__in=["版主", "编辑"])


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    moderator = UserFactory(username="banzhu", display_name="版主")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_reflection"))
    return moderator


@pytest.fixture
def principle(seed_essay):
    return seed_essay.principles.get(position=1)


def _group_client(client, group_name, username):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    member = UserFactory(username=username, is_staff=True)
    member.groups.add(Group.objects.get(name=group_name))
    client.force_login(member)
    client.user = member
    return client


@pytest.fixture
def moderator_client(client, roles):
    """A client logged in as a member of 版主 (moderators)."""
    return _group_client(client, "版主", "banzhu")


@pytest.fixture
def editor_client(client, roles):
    """A client logged in as a member of 编辑 (editors)."""
    return _group_client(client, "编辑", "bianji")
