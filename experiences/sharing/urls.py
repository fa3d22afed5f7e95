"""URLs of the sharing domain: short links and share images."""

from django.urls import path, re_path

from experiences.sharing import views

urlpatterns = [
    # /p/3 and /p/3/ alike: people type short links from paper.
    re_path(
        r"^p/(?P<pk>[0-9]{1,18})/?$", views.PrincipleShortLinkView.as_view(), name="principle_short"
    ),
    re_path(
        r"^r/(?P<pk>[0-9]{1,18})/?$",
        views.ReflectionShortLinkView.as_view(),
        name="reflection_short",
    ),
    path("share/site.png", views.SiteImageView.as_view(), name="share_site_image"),
    path(
        "share/principles/<int:pk>.png",
        views.PrincipleImageView.as_view(),
        name="share_principle_image",
    ),
    path("share/essays/<int:pk>.png", views.EssayImageView.as_view(), name="share_essay_image"),
]
