"""A request Django refuses (too large, malformed, wrong host) gets a Chinese 400 page."""

from html import unescape
from urllib.parse import urlencode

import pytest
from django.conf import settings

from experiences.reflections.models import Reflection

pytestmark = pytest.mark.django_db

LIMIT_NOTE = "心得正文最多 5000 字\uff0c请精简后再提交。"


def assert_chinese_400(response):
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "提交的内容太大了" in page and LIMIT_NOTE in page
    assert "Bad Request" not in page
    assert '<html lang="zh-Hans">' in page


def too_large_body() -> str:
    # Three UTF-8 bytes per character: just over the limit Django reads into memory.
    return "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1000)


def test_oversized_form_post_gets_the_chinese_400_page(client, user, principle):
    client.force_login(user)
    form = {"title": "太长了", "body": too_large_body(), "principle": principle.pk}
    response = client.post("/reflections/new/", form)
    assert_chinese_400(response)
    assert not Reflection.objects.exists()


def test_oversized_urlencoded_post_gets_the_chinese_400_page(client, user):
    client.force_login(user)
    response = client.post(
        "/reflections/new/",
        urlencode({"title": "太长了", "body": too_large_body()}),
        content_type="application/x-www-form-urlencoded",
    )
    assert_chinese_400(response)
    page = response.content.decode()
    assert "/users/xiaowang/" in page, "the navigation still knows who is signed in"


def test_disallowed_host_gets_the_same_page(client):
    assert_chinese_400(client.get("/", HTTP_HOST="evil.example"))
