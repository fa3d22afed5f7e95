"""Issue 31 (first hour, second pass): what a newcomer meets on their first pages.

Icons at the site's root (item 1), 订阅 explained (2), 注册 that brings them back (8),
one plain-word writing help and full-width label colons (9).
"""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_icons_and_manifest_are_served_at_the_root(client):
    for path, content_type in [
        ("/favicon.ico", "image/"),
        ("/apple-touch-icon.png", "image/png"),
        ("/site.webmanifest", "application/manifest+json"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith(content_type), (path, response["Content-Type"])
    manifest = json.loads(b"".join(client.get("/site.webmanifest").streaming_content))
    assert manifest["name"] == "基层心得知识库" and manifest["lang"] == "zh-Hans"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon
    page = client.get("/").content.decode()
    for link in (
        '<link rel="icon" href="/favicon.ico"',
        '<link rel="apple-touch-icon" href="/apple-touch-icon.png">',
        '<link rel="manifest" href="/site.webmanifest">',
    ):
        assert link in page


def test_principle_and_tag_pages_link_a_page_that_explains_the_feed(client, principle):
    ReflectionFactory(principle=principle, tags=["群众工作"])
    subscribe = reverse("experiences:feed_subscribe_principle", args=[principle.pk])
    assert f'href="{subscribe}"' in client.get(principle.get_absolute_url()).content.decode()
    page = client.get(subscribe).content.decode()
    feed = reverse("experiences:feed_principle", args=[principle.pk])
    assert f'value="http://127.0.0.1:8000{feed}"' in page
    assert "阅读器" in page and "复制" in page

    tag_page = client.get(reverse("experiences:tag_detail", args=["群众工作"])).content.decode()
    subscribe = reverse("experiences:feed_subscribe_tag", args=["群众工作"])
    assert f'href="{subscribe}"' in tag_page
    page = client.get(subscribe).content.decode()
    assert reverse("experiences:feed_tag", args=["群众工作"]) in page
    assert "标签\u201c群众工作\u201d的新心得" in page
    assert client.get(reverse("experiences:feed_subscribe")).status_code == 200


def test_subscribe_pages_of_what_is_not_public_are_not_found(client, principle):
    ReflectionFactory(principle=principle, tags=["私下的"], status="pending")
    assert client.get(reverse("experiences:feed_subscribe_tag", args=["私下的"])).status_code == 404
    assert (
        client.get(reverse("experiences:feed_subscribe_principle", args=[999])).status_code == 404
    )


def test_signup_from_a_principle_comes_back_to_it(client, principle):
    page = client.get(principle.get_absolute_url()).content.decode()
    signup = f"{reverse('signup')}?next={quote(principle.get_absolute_url())}"
    assert f'href="{signup}"' in page
    form = client.get(signup).content.decode()
    assert 'name="next"' in form
    response = client.post(
        signup,
        {
            "username": "xinren",
            "display_name": "新人",
            "password1": "Ganbu-2026-jiceng",
            "password2": "Ganbu-2026-jiceng",
            "privacy_consent": "on",
            "next": principle.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == principle.get_absolute_url()


def test_labels_end_in_a_full_width_colon(client, user):
    page = client.get(reverse("signup")).content.decode()
    assert "用户名\uff1a</label>" in page
    assert "用户名:</label>" not in page
    client.force_login(user)
    page = client.get(reverse("experiences:reflection_create")).content.decode()
    assert "标题\uff1a</label>" in page


def test_reply_help_uses_the_reflections_plain_words(client, principle):
    reflection = ReflectionFactory(principle=principle)
    client.force_login(UserFactory(username="huifu"))
    page = client.get(reflection.get_absolute_url()).content.decode()
    assert "斜体" not in page and "Markdown" not in page
    assert "加着重号" in page
    assert 'class="writing-tips"' in page and "<code>*着重*</code>" in page
