"""URL configuration for the kb project."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from experiences.exports.urls import account_urlpatterns as data_export_urls
from experiences.sitemaps import SITEMAPS
from kb.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("accounts/", include(data_export_urls)),
    path("accounts/", include("experiences.accounts.urls")),
    path("", include("experiences.urls")),
]

if settings.DEVTOOLS and settings.BENCHMARK_CEILING:
    # The HTTP benchmark's ceiling: the cheapest possible Django response in the same server.
    urlpatterns.insert(0, path("", include("kb.devtools.urls")))

# Rendered with the request: the page states the writing limits (core/limits.py).
handler400 = "experiences.core.web.bad_request"
