"""Short links: /p/<id> and /r/<id> answer 301 to the full URL, for published content only."""

import pytest
from django.utils.encoding import iri_to_uri

from experiences.essays.models import Essay
from tests.factories import EssayFactory, PrincipleFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_principle_short_link(client, principle):
    for url in (f"/p/{principle.pk}", f"/p/{principle.pk}/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == iri_to_uri(principle.get_absolute_url())
        assert "%E5%9D%9A%E5%AE%9A%E5%8E%9F%E5%88%99" in response["Location"]  # 坚定原则
    assert client.get(f"/p/{principle.pk}", follow=True).status_code == 200


def test_principle_short_link_survives_a_rename(client, principle):
    principle.slug = "新的标识"
    principle.save()
    response = client.get(f"/p/{principle.pk}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("%E6%96%B0%E7%9A%84%E6%A0%87%E8%AF%86/")


def test_reflection_short_link(client, principle):
    reflection = ReflectionFactory(principle=principle)
    response = client.get(f"/r/{reflection.pk}")
    assert response.status_code == 301
    assert response["Location"] == reflection.get_absolute_url()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_unpublished_reflections_are_404_even_to_their_author(client, principle, status):
    """Short links are for sharing: nothing unpublished answers, so nothing leaks."""
    author = UserFactory()
    reflection = ReflectionFactory(principle=principle, author=author, status=status)
    assert client.get(f"/r/{reflection.pk}").status_code == 404
    client.force_login(author)
    assert client.get(f"/r/{reflection.pk}").status_code == 404


def test_draft_principles_and_missing_ids_are_404(client):
    draft = PrincipleFactory(essay=EssayFactory(status=Essay.Status.DRAFT))
    missing = ReflectionFactory().pk + 1000
    for url in (
        f"/p/{draft.pk}",
        "/p/424242",
        f"/r/{missing}",
        "/p/99999999999999999999999",
        "/p/١٢",  # Arabic-Indic digits
        "/p/1%00",
        "/r/-1",
    ):
        assert client.get(url).status_code == 404, url


def test_short_links_are_what_the_qr_codes_carry(client, principle, settings):
    """The code on the page is exactly that of SITE_URL/p/<id>, which leads back to the page."""
    from experiences.sharing.qr import qr_svg

    reflection = ReflectionFactory(principle=principle)
    for page_url, short in (
        (principle.get_absolute_url(), f"/p/{principle.pk}"),
        (reflection.get_absolute_url(), f"/r/{reflection.pk}"),
    ):
        page = client.get(page_url).content.decode()
        # Both codes: 扫码阅读 on screen and the one at the end of the printed page.
        assert page.count(qr_svg(settings.SITE_URL + short, "本页二维码")) == 2, short
        response = client.get(short)
        assert response.status_code == 301 and response["Location"] == iri_to_uri(page_url)


def test_short_link_query_count(client, principle, django_assert_max_num_queries):
    reflection = ReflectionFactory(principle=principle)
    with django_assert_max_num_queries(1):
        client.get(f"/p/{principle.pk}")
    with django_assert_max_num_queries(1):
        client.get(f"/r/{reflection.pk}")
