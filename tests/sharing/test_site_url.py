"""One public origin: share tags, QR codes, feeds, sitemap, robots.txt and mails use SITE_URL.

A client chooses the Host header. Each test sends one the site accepts (it is
in ALLOWED_HOSTS, as a second name of the site would be) and checks that no
absolute URL the site hands out carries it.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://kb.example.cn"
HOSTILE = "evil.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["kb.example.cn", HOSTILE]


def get(client, url):
    response = client.get(url, HTTP_HOST=HOSTILE)
    assert response.status_code == 200, url
    return response.content.decode()


def absolute_urls(body):
    return re.findall(r"https?://[^\s\"'<>]+", body)


def assert_only_site_urls(body):
    assert HOSTILE not in body
    ours = [url for url in absolute_urls(body) if url.startswith(SITE + "/")]
    assert ours, "the output carries absolute URLs on SITE_URL"


def test_share_tags_and_qr_codes_on_site_url(client, principle):
    reflection = ReflectionFactory(principle=principle)
    principle.tags.add("沟通")
    for url in (
        "/",
        principle.get_absolute_url(),
        principle.essay.get_absolute_url(),
        reflection.get_absolute_url(),
        "/tags/沟通/",
        "/reflections/",
    ):
        body = get(client, url)
        assert_only_site_urls(body)
        assert re.search(rf'<meta property="og:url" content="{re.escape(SITE)}/', body), url


def test_feeds_on_site_url(client, principle):
    ReflectionFactory(principle=principle, tags=["沟通"])
    for url in (
        "/feeds/reflections/",
        reverse("experiences:feed_principle", args=[principle.pk]),
        "/feeds/tags/沟通/",
    ):
        body = get(client, url)
        assert_only_site_urls(body)
        assert f'href="{SITE}/' in body


def test_sitemap_and_robots_on_site_url(client, principle):
    ReflectionFactory(principle=principle)
    sitemap = get(client, "/sitemap.xml")
    assert_only_site_urls(sitemap)
    assert f"<loc>{SITE}/essays/" in sitemap
    assert f"<loc>{SITE}/reflections/" in sitemap
    robots = get(client, "/robots.txt")
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    assert HOSTILE not in robots


def test_password_reset_mail_links_to_site_url(client):
    UserFactory(username="laozhao", email="laozhao@example.cn")
    response = client.post(
        reverse("password_reset"), {"email": "laozhao@example.cn"}, HTTP_HOST=HOSTILE
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert HOSTILE not in message.body
    assert re.search(rf"{re.escape(SITE)}/accounts/reset/\S+/", message.body)


def test_hostile_host_cannot_poison_the_page_cache(client, principle):
    """The first (hostile) request fills the anonymous cache; the next reader gets SITE_URL."""
    url = principle.get_absolute_url()
    client.get(url, HTTP_HOST=HOSTILE)
    response = client.get(url, HTTP_HOST="kb.example.cn")
    assert response["X-Page-Cache"] == "hit"
    assert HOSTILE not in response.content.decode()
