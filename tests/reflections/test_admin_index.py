"""The admin index as each role opens it: Chinese names only, the queue's length for moderators."""

import pytest

from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_superuser_index_has_no_english_axes_block(client):
    client.force_login(UserFactory(username="guanli", is_staff=True, is_superuser=True))
    page = client.get("/admin/").content.decode()
    # Grouped by task (experiences/admin_site.py): login limits sit under 系统.
    assert "系统" in page and "登录失败计数" in page
    for english in ("Axes", "Access attempts", "Access logs", "Access failures"):
        assert english not in page
    # Essays are 文章, reflections 心得: no 心得体会 beside 心得.
    assert ">文章</a>" in page and ">心得</a>" in page
    assert "心得体会" not in page


def test_moderator_sees_pending_count_linking_to_queue(moderator_client, principle):
    ReflectionFactory.create_batch(3, principle=principle, status="pending")
    ReflectionFactory(principle=principle)
    page = moderator_client.get("/admin/").content.decode()
    assert '<a href="/admin/experiences/pendingreflection/">3 条心得待审核</a>' in page


def test_editor_sees_no_count(editor_client, principle):
    ReflectionFactory(principle=principle, status="pending")
    page = editor_client.get("/admin/").content.decode()
    assert "待审核" not in page
    assert ">文章</a>" in page
