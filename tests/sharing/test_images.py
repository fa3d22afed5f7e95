"""Share images: 1200×630 PNGs of the pair as written, redrawn when the text changes."""

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageChops

from experiences.essays.models import Essay
from experiences.sharing import images
from experiences.sharing.checks import share_font_check
from tests.factories import EssayFactory, PrincipleFactory

pytestmark = pytest.mark.django_db


def png(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    return image


def principle_image(client, principle):
    return png(client, reverse("experiences:share_principle_image", args=[principle.pk]))


def test_principle_image_redrawn_when_the_text_changes(client, principle):
    first = principle_image(client, principle)
    assert principle_image(client, principle).tobytes() == first.tobytes()  # stable
    principle.emphasis = "坚守底线"
    principle.save()
    changed = principle_image(client, principle)
    assert ImageChops.difference(first.convert("RGB"), changed.convert("RGB")).getbbox()


def test_connective_is_drawn_as_written(client, principle):
    """又要 instead of 更要 is a different image (and is not coloured as the emphasis)."""
    first = principle_image(client, principle)
    principle.connective = "又要"
    principle.save()
    assert principle_image(client, principle).tobytes() != first.tobytes()
    blocks = images_blocks(principle)
    assert blocks[1].text.startswith("又要「") and blocks[1].color == images.INK


def images_blocks(principle):
    from experiences.sharing.cards import principle_blocks

    return principle_blocks(principle)


def test_images_are_cached_by_content(client, principle, monkeypatch):
    """Drawn once per content, whichever cache backend keeps it (local memory or Redis)."""
    drawn = []
    draw = images.image_draw

    def counting_draw(blocks, site_name):
        drawn.append(blocks[0].text)
        return draw(blocks, site_name)

    monkeypatch.setattr(images, "image_draw", counting_draw)
    principle_image(client, principle)
    principle_image(client, principle)
    assert len(drawn) == 1
    principle.emphasis = "坚守底线"
    principle.save()
    principle_image(client, principle)
    principle_image(client, principle)
    assert len(drawn) == 2


def test_the_image_carries_ink_where_the_text_is(client, principle):
    image = principle_image(client, principle).convert("RGB")
    # The headline area is not blank paper: the pair is drawn there in large type.
    headline = image.crop((90, 60, 1110, 450))
    colours = headline.getcolors(maxcolors=1_000_000)
    dark = sum(count for count, rgb in colours if sum(rgb) < 200)
    assert dark > 10_000


def test_long_text_still_fits(client, principle):
    principle.baseline = "很长的一半" * 20
    principle.emphasis = "另一半也很长" * 16
    principle.save()
    image = principle_image(client, principle).convert("RGB")
    paper = Image.new("RGB", image.size, images.PAPER)
    ink = ImageChops.difference(image, paper).convert("L").point(lambda v: 255 if v > 24 else 0)
    # Drawn: text fills the block area (scaled down and cut with an ellipsis as needed).
    assert ink.crop((images.MARGIN, 60, 1200 - images.MARGIN, 460)).getbbox()
    # And inside it: nothing in the right margin, nothing between it and the footer rule.
    footer_top = 630 - 120
    assert ink.crop((1200 - images.MARGIN + 2, 19, 1200, footer_top - 2)).getbbox() is None
    assert ink.crop((0, 462, 1200, footer_top - 2)).getbbox() is None


def test_essay_and_site_images(client, seed_essay):
    png(client, reverse("experiences:share_essay_image", args=[seed_essay.pk]))
    png(client, reverse("experiences:share_site_image"))


def test_unpublished_images_are_404(client):
    draft = EssayFactory(status=Essay.Status.DRAFT)
    principle = PrincipleFactory(essay=draft)
    assert client.get(reverse("experiences:share_essay_image", args=[draft.pk])).status_code == 404
    assert (
        client.get(reverse("experiences:share_principle_image", args=[principle.pk])).status_code
        == 404
    )
    assert client.get("/share/principles/99999999999999999999.png").status_code == 404


def test_query_count_of_images(client, seed_essay, django_assert_max_num_queries):
    principle = seed_essay.principles.first()
    with django_assert_max_num_queries(1):
        principle_image(client, principle)
    with django_assert_max_num_queries(2):
        png(client, reverse("experiences:share_essay_image", args=[seed_essay.pk]))


def test_missing_font_is_a_loud_check_and_a_404_not_a_500(client, principle, settings, tmp_path):
    settings.SHARE_FONT_DIR = tmp_path
    images.font_path.cache_clear()
    images._font.cache_clear()
    try:
        errors = share_font_check()
        assert [error.id for error in errors] == ["sharing.E001", "sharing.E001"]
        assert "fonts-noto-cjk" in errors[0].msg
        url = reverse("experiences:share_principle_image", args=[principle.pk])
        assert client.get(url).status_code == 404
    finally:  # nothing drawn with the missing font may stay cached
        images.font_path.cache_clear()
        images._font.cache_clear()
