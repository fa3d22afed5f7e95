"""Two app servers sharing one database and one Redis stay consistent for every visitor."""

import re
import urllib.parse

import pytest

from kb.devtools.serving import Browser
from tests.servers import AppCluster

SETUP_USERS = """
from experiences.models import User, Reflection, Principle
User.objects.create_superuser("banzhu", "banzhu@example.cn", "Banzhu-2026-pass")
author = User.objects.create_user("xiaowang", password="Xiaowang-2026-pass")
User.objects.create_user("laoli", password="Laoli-2026-pass")
principle = Principle.objects.get(position=1)
Reflection.objects.create(author=author, principle=principle, title="跨服务器的心得",
    body="先听群众把话说完。", body_html="<p>先听群众把话说完。</p>", status="pending")
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Migrated, with static files, the essay and the users: built once for the module.
    Its servers never start; each test runs on a copy (tests/servers.py)."""
    cluster = AppCluster(tmp_path_factory.mktemp("prepared"))
    try:
        cluster.prepare()
        cluster.manage("shell", "-c", SETUP_USERS)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def cluster(prepared, tmp_path):
    """A copy of the prepared database, a cache prefix and servers of this test's own."""
    cluster = AppCluster(tmp_path, redis_db=5, copy_of=prepared)
    try:
        yield cluster
    finally:
        cluster.stop()


def test_approval_on_a_shows_on_b_and_likes_on_b_count_on_a(cluster):
    server_a, server_b = cluster.start(), cluster.start()
    principle_path = "/essays/" + urllib.parse.quote("基层干部的心得体会/人情世故-坚定原则/")

    visitor_b = Browser(server_b)
    status, page, _ = visitor_b.get(principle_path)
    assert status == 200 and "跨服务器的心得" not in page
    assert visitor_b.get(principle_path)[2].get("X-Page-Cache") == "hit"

    moderator_a = Browser(server_a)
    moderator_a.log_in("banzhu", "Banzhu-2026-pass", admin=True)
    _, queue, _ = moderator_a.get("/admin/experiences/pendingreflection/")
    pk = re.search(r'name="_selected_action" value="(\d+)"', queue).group(1)
    status, _ = moderator_a.post(
        "/admin/experiences/pendingreflection/", [("action", "approve"), ("_selected_action", pk)]
    )
    assert status == 200

    status, page, _ = visitor_b.get(principle_path)
    assert "跨服务器的心得" in page, "server B served a stale page after approval on A"

    liker_b = Browser(server_b)
    liker_b.log_in("laoli", "Laoli-2026-pass")
    _, reflection_page, _ = liker_b.get(f"/reflections/{pk}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', reflection_page).group(1)
    status, _ = liker_b.post(
        f"/reflections/{pk}/like/?", [("action", "like"), ("csrfmiddlewaretoken", token)]
    )
    assert status == 200

    visitor_a = Browser(server_a)
    _, page, _ = visitor_a.get(f"/reflections/{pk}/")
    assert '<span class="like-count">1</span>' in page
    _, page, _ = visitor_a.get(principle_path)
    assert '<span class="like-count">1</span>' in page


@pytest.fixture
def notify_cluster(prepared, tmp_path):
    """Its own Redis database (7): the queue and the viewer facts stay private."""
    cluster = AppCluster(tmp_path, redis_db=7, copy_of=prepared)
    try:
        yield cluster
    finally:
        cluster.stop()


def unread_in_header(page: str) -> str | None:
    found = re.search(r'class="notifications-unread">(\d+)<', page)
    return found.group(1) if found else None


def test_a_notification_raised_on_a_is_counted_on_b(notify_cluster):
    server_a, server_b = notify_cluster.start(), notify_cluster.start()
    author_b = Browser(server_b)
    author_b.log_in("xiaowang", "Xiaowang-2026-pass")
    _, page, _ = author_b.get("/")
    assert unread_in_header(page) is None  # B now holds a count of 0 in the shared cache
    # The tags page is shared by signed-in colleagues: the count is filled per viewer. (Not
    # the reflections page: xiaowang has a pending reflection there, so it is theirs alone.)
    for _ in range(2):
        _, page, headers = author_b.get("/tags/")
        assert unread_in_header(page) is None
    assert headers.get("X-Page-Cache") == "shared-hit"

    moderator_a = Browser(server_a)
    moderator_a.log_in("banzhu", "Banzhu-2026-pass", admin=True)
    _, queue, _ = moderator_a.get("/admin/experiences/pendingreflection/")
    pk = re.search(r'name="_selected_action" value="(\d+)"', queue).group(1)
    status, _ = moderator_a.post(
        "/admin/experiences/pendingreflection/", [("action", "approve"), ("_selected_action", pk)]
    )
    assert status == 200

    _, page, _ = author_b.get("/")
    assert unread_in_header(page) == "1", "server B kept an old unread count"
    _, page, headers = author_b.get("/reflections/")
    assert unread_in_header(page) == "1", "the shared page kept an old unread count"
    reader_b = Browser(server_b)
    reader_b.log_in("laoli", "Laoli-2026-pass")
    _, page, _ = reader_b.get("/reflections/")
    assert unread_in_header(page) is None, "one colleague's count on another's page"
    _, page, _ = author_b.get("/notifications/")
    assert "跨服务器的心得" in page and "已通过审核" in page

    # Read on A, the count is gone on B too.
    author_a = Browser(server_a)
    author_a.log_in("xiaowang", "Xiaowang-2026-pass")
    _, page, _ = author_a.get("/notifications/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = author_a.post("/notifications/read-all/", [("csrfmiddlewaretoken", token)])
    assert status == 200
    _, page, _ = author_b.get("/")
    assert unread_in_header(page) is None
    _, page, _ = author_b.get("/reflections/")
    assert unread_in_header(page) is None


def like_form(page: str, pk: str) -> str:
    start = page.index(f'id="reflection-{pk}"')
    return page[page.index('<form class="like-form"', start) : page.index("</form>", start)]


def test_signed_in_pages_follow_changes_on_either_server(cluster):
    """Signed-in pages come from one copy shared by colleagues (core/shared_pages.py):
    a change on one server shows on the other at the next request, with each
    colleague's own 点赞 state and token, never another's."""
    server_a, server_b = cluster.start(), cluster.start()
    principle_path = "/essays/" + urllib.parse.quote("基层干部的心得体会/人情世故-坚定原则/")

    reader_b = Browser(server_b)
    reader_b.log_in("laoli", "Laoli-2026-pass")
    reader_b.get(principle_path)
    status, page, headers = reader_b.get(principle_path)
    assert status == 200 and headers.get("X-Page-Cache") == "shared-hit"
    assert "跨服务器的心得" not in page

    moderator_a = Browser(server_a)
    moderator_a.log_in("banzhu", "Banzhu-2026-pass", admin=True)
    _, queue, _ = moderator_a.get("/admin/experiences/pendingreflection/")
    pk = re.search(r'name="_selected_action" value="(\d+)"', queue).group(1)
    moderator_a.post(
        "/admin/experiences/pendingreflection/", [("action", "approve"), ("_selected_action", pk)]
    )

    _, page, _ = reader_b.get(principle_path)
    assert "跨服务器的心得" in page, "server B served a stale signed-in page after approval on A"
    assert 'aria-pressed="false"' in like_form(page, pk)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = reader_b.post(
        f"/reflections/{pk}/like/?", [("action", "like"), ("csrfmiddlewaretoken", token)]
    )
    assert status == 200

    author_a = Browser(server_a)
    author_a.log_in("xiaowang", "Xiaowang-2026-pass")
    _, page, _ = author_a.get(principle_path)
    form = like_form(page, pk)
    assert '">1</span>' in form and "disabled" in form and 'aria-pressed="false"' in form
    assert "/users/xiaowang/" in page and "/users/laoli/" not in page
    assert token not in page

    reader_a = Browser(server_a)
    reader_a.log_in("laoli", "Laoli-2026-pass")
    _, page, _ = reader_a.get(principle_path)
    form = like_form(page, pk)
    assert 'aria-pressed="true"' in form and "已赞" in form and "disabled" not in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    reader_a.post(
        f"/reflections/{pk}/like/?", [("action", "unlike"), ("csrfmiddlewaretoken", token)]
    )
    _, page, _ = reader_b.get(principle_path)
    form = like_form(page, pk)
    assert 'aria-pressed="false"' in form and '">0</span>' in form


def test_a_sign_out_or_a_new_password_on_one_server_holds_on_the_other(cluster):
    """Sessions and users are read from the database on every request: a sign-out on A,
    or a password set by another process, shows on B's very next request."""
    server_a, server_b = cluster.start(), cluster.start()
    principle_path = "/essays/" + urllib.parse.quote("基层干部的心得体会/人情世故-坚定原则/")

    reader_b = Browser(server_b)
    reader_b.log_in("laoli", "Laoli-2026-pass")
    for _ in range(3):  # B's worker now holds the session and the user row
        _, page, _ = reader_b.get(principle_path)
        assert "/users/laoli/" in page
    # The same cookies, stolen or in a second tab, on the other server: sign out there.
    same_on_a = Browser(server_a)
    for cookie in reader_b.cookies:
        same_on_a.cookies.set_cookie(cookie)
    assert same_on_a.log_out() == 200
    _, page, _ = reader_b.get(principle_path)
    assert "/users/laoli/" not in page, "server B still signed in a session ended on A"

    author_b = Browser(server_b)
    author_b.log_in("xiaowang", "Xiaowang-2026-pass")
    for _ in range(3):
        _, page, _ = author_b.get(principle_path)
        assert "/users/xiaowang/" in page
    cluster.manage(
        "shell",
        "-c",
        "from experiences.models import User; u = User.objects.get(username='xiaowang'); "
        "u.set_password('Another-2026-pass'); u.save()",
    )
    _, page, _ = author_b.get(principle_path)
    assert "/users/xiaowang/" not in page, "server B kept a session after the password changed"
