"""sitemap.xml: the essay, principles, tag pages and published reflections, nothing else.

Locations are absolute from ``settings.SITE_URL``, never the request's Host header.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from experiences.core.site import site_domain, site_scheme
from experiences.essays.models import Essay, Principle
from experiences.reflections.models import Reflection
from experiences.reflections.tags import tags_in_use


class SiteSitemap(Sitemap):
    """Django asks the request (or the sites framework) for the domain; ours is SITE_URL's."""

    def get_domain(self, site=None):
        return site_domain()

    def get_protocol(self, protocol=None):
        return site_scheme()


class EssaySitemap(SiteSitemap):
    priority = 1.0

    def items(self):
        return Essay.objects.published()

    def lastmod(self, essay):
        return essay.updated_at


class PrincipleSitemap(SiteSitemap):
    priority = 0.9

    def items(self):
        return Principle.objects.published().select_related("essay")


class TagSitemap(SiteSitemap):
    priority = 0.5

    def items(self):
        return tags_in_use()

    def location(self, tag):
        return reverse("experiences:tag_detail", kwargs={"name": tag.name})


class ReflectionSitemap(SiteSitemap):
    priority = 0.6
    limit = 5000

    def items(self):
        return Reflection.objects.published().order_by("pk")

    def lastmod(self, reflection):
        return reflection.edited_at or reflection.published_at or reflection.created_at


SITEMAPS = {
    "essays": EssaySitemap,
    "principles": PrincipleSitemap,
    "tags": TagSitemap,
    "reflections": ReflectionSitemap,
}
