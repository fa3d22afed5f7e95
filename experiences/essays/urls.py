"""URLs of the essays domain: the home page, an essay, a principle."""

from django.urls import path

from experiences.essays import views

# `text` rather than `slug`: slugs are Chinese (人情世故-坚定原则), which the slug
# converter rejects; `text` is `str` without NUL (core/converters.py).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("essays/<text:slug>/", views.EssayDetailView.as_view(), name="essay_detail"),
    path(
        "essays/<text:essay_slug>/<text:slug>/",
        views.PrincipleDetailView.as_view(),
        name="principle_detail",
    ),
]
