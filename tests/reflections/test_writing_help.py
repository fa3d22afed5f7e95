"""Writing a reflection: the help in a cadre's words, the one-line 写法, and a server-side 预览."""

import uuid

import pytest
from django.urls import reverse

from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("experiences:reflection_create")


def form_data(principle, **fields):
    return {
        "principle": principle.pk,
        "title": "我的体会",
        "body": "群众的事再小也是**大事**\uff0c要*一件一件*办好。\n\n> 民之所忧\uff0c我必念之",
        "tags": "群众工作",
        "submission_token": str(uuid.uuid4()),
        **fields,
    }


def test_help_says_what_can_be_done_without_saying_markdown(client, user, principle):
    client.force_login(user)
    for url in (CREATE_URL, principle.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Markdown" not in page
        assert "加着重号" in page and "引用别人的话" in page
        assert 'class="writing-tips"' in page and "<code>**加粗**</code>" in page
        assert 'name="preview"' in page


def test_preview_renders_and_stores_nothing(client, user, principle):
    client.force_login(user)
    data = form_data(principle, preview="1")
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="reflection-preview"' in page
    start = page.index('id="reflection-preview"')
    preview = page[start : page.index("</section>", start)]
    assert "<strong>大事</strong>" in preview and "<em>一件一件</em>" in preview
    assert "<blockquote>" in preview
    # The form keeps what was typed, token included, so publishing after stores once.
    assert "群众的事再小也是**大事**" in page
    assert data["submission_token"] in page
    assert not Reflection.objects.exists()
    del data["preview"]
    client.post(CREATE_URL, data)
    client.post(CREATE_URL, data)
    assert Reflection.objects.get().title == "我的体会"


def test_preview_is_sanitised(client, user, principle):
    client.force_login(user)
    body = "<script>alert(1)</script>[点我](javascript:alert(1)) <img src=x onerror=alert(1)>"
    page = client.post(CREATE_URL, form_data(principle, body=body, preview="1")).content.decode()
    start = page.index('id="reflection-preview"')
    preview = page[start : page.index("</section>", start)]
    assert "<script>" not in preview and 'href="javascript' not in preview
    assert "<img" not in preview and "&lt;script&gt;" in preview


def test_preview_of_bad_input_shows_the_errors(client, user, principle):
    client.force_login(user)
    response = client.post(CREATE_URL, form_data(principle, body="  ", preview="1"))
    page = response.content.decode()
    assert "请写下心得正文" in page and 'id="reflection-preview"' not in page


def test_preview_while_editing_changes_nothing(client, user, principle):
    reflection = ReflectionFactory(author=user, principle=principle, body="原来的正文")
    client.force_login(user)
    url = reverse("experiences:reflection_update", args=[reflection.pk])
    page = client.post(url, form_data(principle, body="*新的*正文", preview="1")).content.decode()
    assert "<em>新的</em>" in page
    assert f'formaction="{url}#reflection-preview"' in page
    reflection.refresh_from_db()
    assert reflection.body == "原来的正文"


def test_preview_needs_login(client, principle):
    response = client.post(CREATE_URL, form_data(principle, preview="1"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
