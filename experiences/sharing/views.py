"""Sharing's pages: the share images (PNG) and the short links behind the QR codes.

Short links (/p/<id>, /r/<id>) keep QR codes small and survive a renamed
principle; they answer 301 to the page's full Chinese-slug URL, and only for
what anyone may read: a draft essay's principle, a pending or rejected
reflection, or a missing one are all the same 404, so a guessed id leaks nothing.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views import View

from experiences.essays.models import Essay, Principle
from experiences.reflections.models import Reflection
from experiences.sharing.cards import essay_blocks, principle_blocks, site_blocks, site_name
from experiences.sharing.images import Block, ShareFontMissing, image_png

logger = logging.getLogger(__name__)


class ShareImageView(View):
    """GET: the share image, 1200×630 PNG, drawn once per distinct text."""

    http_method_names = ["get", "head"]

    def blocks(self, **kwargs: int) -> list[Block]:
        raise NotImplementedError

    def get(self, request: HttpRequest, **kwargs: int) -> HttpResponse:
        blocks = self.blocks(**kwargs)
        try:
            png = image_png(blocks, site_name())
        except ShareFontMissing:
            # `manage.py check` reports this loudly; a reader just gets no image.
            logger.exception("share image not drawn")
            raise Http404 from None
        response = HttpResponse(png, content_type="image/png")
        # The page links the image with its digest (?v=…): a new text is a new URL.
        response["Cache-Control"] = "public, max-age=86400"
        return response


class SiteImageView(ShareImageView):
    def blocks(self, **kwargs: int) -> list[Block]:
        return site_blocks()


class PrincipleImageView(ShareImageView):
    def blocks(self, **kwargs: int) -> list[Block]:
        principle = get_object_or_404(Principle.objects.published(), pk=kwargs["pk"])
        return principle_blocks(principle)


class EssayImageView(ShareImageView):
    def blocks(self, **kwargs: int) -> list[Block]:
        essay = get_object_or_404(
            Essay.objects.published().prefetch_related("principles"), pk=kwargs["pk"]
        )
        return essay_blocks(essay, list(essay.principles.all()))


class PrincipleShortLinkView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        principle = get_object_or_404(Principle.objects.published().select_related("essay"), pk=pk)
        return HttpResponsePermanentRedirect(principle.get_absolute_url())


class ReflectionShortLinkView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        reflection = get_object_or_404(Reflection.objects.published(), pk=pk)
        return HttpResponsePermanentRedirect(reflection.get_absolute_url())
