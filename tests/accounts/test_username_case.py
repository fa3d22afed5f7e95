"""Usernames differing only in case: one account, whatever the timing of two sign-ups.

The form refuses "racex" once "RaceX" exists; two sign-ups at once both pass the form,
and the database's unique index on the lower-cased name refuses the second. On
PostgreSQL the race really runs in two threads; SQLite serializes writers, so there
the form's check is bypassed to reach the index the same way.
"""

import threading

import pytest
from django.db import connection, connections
from django.db.models.functions import Lower
from django.test import Client
from django.urls import reverse

from experiences.accounts.models import User
from experiences.accounts.views import SignupView
from tests.factories import UserFactory

TAKEN = "这个用户名已被使用。"


def signup_data(username, display_name):
    return {
        "username": username,
        "email": f"{username}-{len(display_name)}@example.cn",
        "display_name": display_name,
        "unit": "城关镇",
        "post": "综治办",
        "years_of_service": "3",
        "password1": "Ganbu-2026-jiceng",
        "password2": "Ganbu-2026-jiceng",
        "privacy_consent": "on",
    }


def accounts_named(name):
    return User.objects.annotate(folded=Lower("username")).filter(folded=name.lower()).count()


@pytest.fixture
def rival_commits_in_between(monkeypatch):
    """Another sign-up as "RaceX" commits after this one's form checks, before its insert."""
    original_form_valid = SignupView.form_valid

    def form_valid(view, form):
        UserFactory(username="RaceX", display_name="老李")
        return original_form_valid(view, form)

    monkeypatch.setattr(SignupView, "form_valid", form_valid)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["racex", "RaceX"])
def test_the_index_refuses_a_name_taken_in_any_case_with_the_forms_message(
    client, rival_commits_in_between, second
):
    response = client.post(reverse("signup"), signup_data(second, "小周"))
    assert response.status_code == 200  # the form again, not a 500
    page = response.content.decode()
    assert TAKEN in page
    assert 'value="小周"' in page  # what was typed is kept
    assert accounts_named("racex") == 1
    assert not User.objects.filter(display_name="小周").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_differing_only_in_case_make_one_account():
    names = [("RaceX", "小周"), ("racex", "小吴")]
    statuses = []
    if connection.vendor != "postgresql":
        for name, display_name in names:
            statuses.append(Client().post(reverse("signup"), signup_data(name, display_name)))
    else:
        barrier = threading.Barrier(len(names))

        def sign_up(name, display_name):
            try:
                client = Client()
                barrier.wait(timeout=10)
                statuses.append(client.post(reverse("signup"), signup_data(name, display_name)))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=sign_up, args=pair) for pair in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(response.status_code for response in statuses) == [200, 302]
    refused = next(r for r in statuses if r.status_code == 200).content.decode()
    assert "这个用户名" in refused  # taken, or too like a name that exists
    assert accounts_named("racex") == 1


@pytest.mark.django_db
def test_the_model_check_mirrors_the_index():
    from django.core.exceptions import ValidationError

    UserFactory(username="RaceX")
    with pytest.raises(ValidationError, match=TAKEN):
        User(username="racex").validate_constraints()
