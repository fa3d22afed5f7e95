"""A Redis that stalls (CLIENT PAUSE) changes nothing a colleague relies on (issue 32, items 1-3).

Sessions and users come from the database on every request, so a sign-out, a password
change or a deactivation holds on every server at once, during the stall and after it.
A content change made while Redis does not answer is announced again as soon as it does
(core/caching.py): the changed page is fresh on both servers within seconds, not after
PAGE_CACHE_SECONDS.

Two real servers (tests/servers.py) share a database and a Redis of this module's own,
which the tests pause; the in-process tests pause a Redis of their own.
"""

import time
import urllib.parse

import pytest
import redis
from django.urls import reverse

from experiences.core import caching
from experiences.reflections.moderation import reflection_publish
from kb.devtools.serving import Browser
from tests.factories import ReflectionFactory
from tests.servers import AppCluster, OwnRedis

PRINCIPLE = "/essays/" + urllib.parse.quote("基层干部的心得体会/人情世故-坚定原则/")
PASSWORD = "Stall-2026-pass"
SETUP = f"""
from experiences.models import User, Reflection, Principle
User.objects.create_superuser("banzhu", "banzhu@example.cn", "{PASSWORD}")
for name in ("tuichu", "gaimima", "tingyong"):
    User.objects.create_user(name, password="{PASSWORD}")
author = User.objects.create_user("zuozhe", password="{PASSWORD}")
Reflection.objects.create(author=author, principle=Principle.objects.get(position=1),
    title="停顿时通过的心得", body="先听群众把话说完。", body_html="<p>先听群众把话说完。</p>",
    status="pending")
"""


def signed_in_as(browser: Browser, name: str, path: str = PRINCIPLE) -> bool:
    status, page, _ = browser.get(path)
    assert status == 200, page[:300]
    return f"/users/{name}/" in page


def same_cookies(browser: Browser, base_url: str) -> Browser:
    """The same session on another server (a second tab, a stolen cookie)."""
    other = Browser(base_url)
    for cookie in browser.cookies:
        other.cookies.set_cookie(cookie)
    return other


@pytest.fixture(scope="module")
def stalls(tmp_path_factory):
    """Two servers, one database, one Redis this module pauses."""
    own = OwnRedis()
    own.start()
    cluster = AppCluster(tmp_path_factory.mktemp("stalls"), redis_location=own.url)
    try:
        cluster.prepare()
        cluster.manage("shell", "-c", SETUP)
        yield cluster, own, cluster.start(), cluster.start()
    finally:
        cluster.stop()
        own.kill()


@pytest.fixture
def paused(stalls):
    """The module's Redis, unpaused again whatever the test did."""
    _, own, _, _ = stalls
    yield own
    own.unpause()


def test_a_sign_out_during_a_stall_ends_the_session_on_both_servers(stalls, paused):
    _, _, server_a, server_b = stalls
    on_b = Browser(server_b)
    on_b.log_in("tuichu", PASSWORD)
    assert signed_in_as(on_b, "tuichu")
    on_a = same_cookies(on_b, server_a)
    assert signed_in_as(on_a, "tuichu")
    paused.pause(20000, "WRITE")  # reads answer: any copy of the session could be read
    assert on_a.log_out() == 200
    assert not signed_in_as(on_a, "tuichu") and not signed_in_as(on_b, "tuichu")
    paused.unpause()
    assert not signed_in_as(on_a, "tuichu") and not signed_in_as(on_b, "tuichu")


def test_a_password_changed_during_a_stall_ends_the_other_sessions_at_once(stalls, paused):
    _, _, server_a, server_b = stalls
    on_a, on_b = Browser(server_a), Browser(server_b)
    on_a.log_in("gaimima", PASSWORD)
    on_b.log_in("gaimima", PASSWORD)
    assert signed_in_as(on_b, "gaimima")
    paused.pause(20000, "WRITE")
    status, page = on_a.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Stall-2026",
            "new_password2": "Another-Stall-2026",
        },
    )
    assert status == 200 and "退出" in page, page[:500]
    assert signed_in_as(on_a, "gaimima"), "the colleague who changed it stays signed in"
    assert not signed_in_as(on_b, "gaimima"), "server B kept a session after the change"
    paused.unpause()
    assert not signed_in_as(on_b, "gaimima")


def test_a_deactivation_during_a_stall_signs_out_on_both_servers_at_once(stalls, paused):
    """Redis answers nothing at all (CLIENT PAUSE ALL): the servers, slowed by the cache's
    timeouts, still sign the colleague out on the next request; nothing waits for Redis."""
    cluster, _, server_a, server_b = stalls
    on_a, on_b = Browser(server_a), Browser(server_b)
    on_a.log_in("tingyong", PASSWORD)
    on_b.log_in("tingyong", PASSWORD)
    assert signed_in_as(on_a, "tingyong") and signed_in_as(on_b, "tingyong")
    paused.pause(15000, "ALL")
    cluster.manage(
        "shell",
        "-c",
        "from experiences.models import User; u = User.objects.get(username='tingyong'); "
        "u.is_active = False; u.save()",
    )
    assert not signed_in_as(on_a, "tingyong") and not signed_in_as(on_b, "tingyong")
    assert paused.paused(), "the checks above ran after the stall: make the pause longer"
    paused.unpause()
    assert not signed_in_as(on_a, "tingyong") and not signed_in_as(on_b, "tingyong")


def test_a_page_approved_during_a_stall_is_fresh_on_both_servers_soon_after(stalls, paused):
    _, _, server_a, server_b = stalls
    visitors = [Browser(server_a), Browser(server_b)]
    for visitor in visitors:
        visitor.get(PRINCIPLE)
        status, page, headers = visitor.get(PRINCIPLE)
        assert headers.get("X-Page-Cache") == "hit" and "停顿时通过的心得" not in page
    moderator = Browser(server_a)
    moderator.log_in("banzhu", PASSWORD, admin=True)
    _, queue, _ = moderator.get("/admin/experiences/pendingreflection/")
    pk = queue.split('name="_selected_action" value="', 1)[1].split('"', 1)[0]
    paused.pause(20000, "WRITE")  # reads answer: every server keeps serving its copy
    status, _ = moderator.post(
        "/admin/experiences/pendingreflection/", [("action", "approve"), ("_selected_action", pk)]
    )
    assert status == 200
    paused.unpause()
    returned, stale = time.monotonic(), 0
    while True:
        pages = [visitor.get(PRINCIPLE)[1] for visitor in visitors]
        if all("停顿时通过的心得" in page for page in pages):
            break
        stale += 1
        assert time.monotonic() - returned < 3, f"still stale after 3 s ({stale} stale answers)"
        time.sleep(0.1)


# ---- In this process: the bump that Redis did not answer is made again.


@pytest.fixture
def own_cache(settings):
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "kb",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    yield server
    server.unpause()
    server.kill()


def content_version_in(server: OwnRedis) -> object:
    return redis.Redis.from_url(server.url).get("kb:1:" + caching.VERSION_KEY)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["WRITE", "ALL"])
def test_the_next_read_announces_a_change_redis_missed(own_cache, client, principle, mode):
    pending = ReflectionFactory(principle=principle, title="停顿时通过的心得", status="pending")
    url = principle.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    own_cache.pause(20000 if mode == "WRITE" else 5000, mode)
    reflection_publish(reflection=pending)
    assert caching.VERSION_KEY in caching._unannounced
    own_cache.unpause()
    response = client.get(url)
    assert "停顿时通过的心得" in response.text and response["X-Page-Cache"] == "miss"
    deadline = time.monotonic() + 3  # made by this request, or by the timer beside it
    while caching._unannounced:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "停顿时通过的心得" in client.get(url).text


@pytest.mark.django_db
def test_a_timer_announces_it_without_waiting_for_a_request(own_cache, client, principle):
    """Another server's next request sees the change, though this one serves nothing."""
    pending = ReflectionFactory(principle=principle, status="pending")
    client.get(principle.get_absolute_url())
    before = content_version_in(own_cache)
    assert before is not None
    own_cache.pause(20000, "WRITE")
    reflection_publish(reflection=pending)
    own_cache.unpause()
    deadline = time.monotonic() + 3
    while content_version_in(own_cache) == before:
        assert time.monotonic() < deadline, "the version did not move within 3 s"
        time.sleep(0.05)
    assert not caching._unannounced


@pytest.mark.django_db
def test_while_a_change_is_unannounced_this_server_serves_no_copy(own_cache, client, principle):
    pending = ReflectionFactory(principle=principle, title="停顿时通过的心得", status="pending")
    url = principle.get_absolute_url()
    client.get(url)
    own_cache.pause(20000, "WRITE")
    reflection_publish(reflection=pending)
    response = client.get(url)  # Redis still paused: its copy is older than the change
    assert "停顿时通过的心得" in response.text and response["X-Page-Cache"] == "miss"
    assert client.get(reverse("experiences:reflection_list")).status_code == 200
