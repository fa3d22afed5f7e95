"""Shared fixtures: the shipped essay, factories, fast password hashing."""

from pathlib import Path

import pytest

from experiences.importer import essay_import

SEED_PATH = (
    Path(__file__).resolve().parent.parent / "experiences" / "data" / "essay-jiceng-ganbu-xinde.txt"
)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def seed_essay(db, seed_text):
    """The cadre's essay imported exactly as `make run` imports it."""
    return essay_import(text=seed_text).essay


@pytest.fixture
def user(db):
    from .factories import UserFactory

    return UserFactory(username="xiaowang", display_name="小王")


@pytest.fixture
def other_user(db):
    from .factories import UserFactory

    return UserFactory(username="laoli", display_name="老李")


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Permission

    from .factories import UserFactory

    moderator = UserFactory(username="banzhu", display_name="版主")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_reflection"))
    return moderator


@pytest.fixture
def principle(seed_essay):
    return seed_essay.principles.get(position=1)
