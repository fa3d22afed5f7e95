"""Operations: health check, database outages, request ids and logs, security headers, caching."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django_redis.cache import RedisCache

from experiences.reflections.moderation import reflection_publish
from experiences.reflections.services import like_set
from tests.factories import ReflectionFactory, UserFactory
from tests.services import redis_url

pytestmark = pytest.mark.django_db


class TestHealth:
    def test_ok_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"

    def test_503_when_it_does_not(self, client):
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute",
            side_effect=OperationalError("connection refused"),
        ):
            response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "数据库无法连接"


def test_database_outage_gives_a_chinese_503_not_a_traceback(client, seed_essay):
    client.raise_request_exception = False
    with mock.patch(
        "experiences.reading.pages.EssayDetailView.get_queryset",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get(seed_essay.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "数据库正在恢复" in page and "Traceback" not in page


def test_request_id_in_header_and_json_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="kb.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    record = next(r for r in caplog.records if r.name == "kb.request")
    assert record.status == 200 and record.path == "/"
    from kb.logging import JsonFormatter, RequestIdFilter

    record.request_id = "abc-123"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc-123" and line["status"] == 200 and "duration_ms" in line
    generated = client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    assert RequestIdFilter().filter(logging.makeLogRecord({})) is True


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_scripts_anywhere(client, seed_essay):
    for url in ("/", seed_essay.get_absolute_url(), reverse("login")):
        page = client.get(url).content.decode()
        assert "<script>" not in page and "onclick=" not in page


class TestPageCache:
    def test_anonymous_pages_are_cached_and_invalidated_on_change(self, client, principle):
        url = principle.get_absolute_url()
        assert client.get(url)["X-Page-Cache"] == "miss"
        cached = client.get(url)
        assert cached["X-Page-Cache"] == "hit"
        assert "csrfmiddlewaretoken" not in cached.content.decode()
        pending = ReflectionFactory(principle=principle, title="刚通过的心得", status="pending")
        assert "刚通过的心得" not in client.get(url).content.decode()
        reflection_publish(reflection=pending)
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "刚通过的心得" in response.content.decode()

    def test_likes_invalidate(self, client, principle):
        reflection = ReflectionFactory(principle=principle)
        url = principle.get_absolute_url()
        client.get(url)
        like_set(user=UserFactory(), reflection=reflection, liked=True)
        page = client.get(url).content.decode()
        assert '<span class="like-count">1</span>' in page

    def test_logged_in_users_are_never_served_the_anonymous_copy(self, client, user, principle):
        url = principle.get_absolute_url()
        client.get(url)
        client.force_login(user)
        response = client.get(url)
        # Their own copy: the shared signed-in page filled for them (core/shared_pages.py).
        assert response["X-Page-Cache"] == "shared-miss"
        page = response.content.decode()
        assert "csrfmiddlewaretoken" in page
        assert user.get_absolute_url() in page
        assert "登录后写心得" not in page

    @pytest.mark.parametrize("name", ["home", "essay", "tag_list", "tag_detail"])
    def test_every_anonymous_page_type_is_cached(self, client, seed_essay, name):
        seed_essay.principles.first().tags.add("沟通")
        url = {
            "home": "/",
            "essay": seed_essay.get_absolute_url(),
            "tag_list": reverse("experiences:tag_list"),
            "tag_detail": reverse("experiences:tag_detail", args=["沟通"]),
        }[name]
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"


DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.1,
            "SOCKET_TIMEOUT": 0.1,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}


class TestRedis:
    def test_live_redis_round_trip(self):
        backend = RedisCache(redis_url(11), {"KEY_PREFIX": "kb-test", "TIMEOUT": 60})
        backend.set("greeting", "你好")
        assert backend.get("greeting") == "你好"
        backend.delete("greeting")

    def test_dead_redis_is_a_miss_not_an_error(self, caplog):
        """What callers rely on (core/caching.py): a failed call answers None, logged."""
        backend = RedisCache("redis://127.0.0.1:1/0", DEAD_REDIS["default"])
        assert backend.get("x", "fallback") == "fallback"
        backend.set("x", 1)
        assert backend.get_many(["x"]) == {}
        assert backend.add("x", 1) is None
        assert backend.incr("x") is None
        assert backend.delete("x") is None
        assert "Exception ignored" in caplog.text

    def test_throttles_allow_when_redis_is_down(self):
        """A failed incr answers None (django-redis): the limit is a guard, not a gate."""
        from experiences.core.client import throttle_hit

        with override_settings(CACHES=DEAD_REDIS):
            assert all(throttle_hit(scope="test", key="k", limit=1, seconds=60) for _ in range(3))

    def test_site_keeps_serving_with_redis_down(self, client, principle, user):
        # override_settings(CACHES=…) makes Django rebuild its cache connections.
        with override_settings(CACHES=DEAD_REDIS):
            for _ in range(2):
                response = client.get(principle.get_absolute_url())
                assert response.status_code == 200
                assert response["X-Page-Cache"] == "miss"
            client.force_login(user)
            assert client.get(reverse("experiences:reflection_create")).status_code == 200


def test_approval_from_the_admin_queue_invalidates_cached_pages(client, admin_client, principle):
    pending = ReflectionFactory(principle=principle, title="队列里的心得", status="pending")
    url = principle.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    admin_client.post(
        reverse("admin:experiences_pendingreflection_changelist"),
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    assert "队列里的心得" in client.get(url).content.decode()


def test_pages_cached_by_another_build_are_not_served(client, seed_essay, monkeypatch):
    """After a deploy that changes templates or code, old cached pages are never served."""
    from experiences.core import caching

    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr(caching, "build_fingerprint", lambda: "another-build")
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_build_fingerprint_follows_templates(settings, tmp_path):
    from experiences.core.caching import build_fingerprint

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>一</p>", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    build_fingerprint.cache_clear()
    try:
        first = build_fingerprint()
        page.write_text("<p>二</p>", encoding="utf-8")
        build_fingerprint.cache_clear()
        assert build_fingerprint() != first
    finally:
        build_fingerprint.cache_clear()
