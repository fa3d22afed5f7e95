"""URLs of the reading domain: the pages one reads, 收藏 (toggle, list, delete) and 已学."""

from django.urls import path

from experiences.reading import pages, views

# `text` rather than `slug`: slugs are Chinese (人情世故-坚定原则), which the slug
# converter rejects; `text` is `str` without NUL (core/converters.py).
urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("essays/<text:slug>/", pages.EssayDetailView.as_view(), name="essay_detail"),
    path(
        "essays/<text:essay_slug>/<text:slug>/",
        pages.PrincipleDetailView.as_view(),
        name="principle_detail",
    ),
    path("reflections/<int:pk>/", pages.ReflectionDetailView.as_view(), name="reflection_detail"),
    path("users/<text:username>/", pages.UserDetailView.as_view(), name="user_detail"),
    path("bookmarks/", views.BookmarkListView.as_view(), name="bookmark_list"),
    path(
        "bookmarks/principles/<int:pk>/",
        views.BookmarkToggleView.as_view(kind="principle"),
        name="bookmark_principle",
    ),
    path(
        "bookmarks/reflections/<int:pk>/",
        views.BookmarkToggleView.as_view(kind="reflection"),
        name="bookmark_reflection",
    ),
    path("bookmarks/<int:pk>/delete/", views.BookmarkDeleteView.as_view(), name="bookmark_delete"),
    path("principles/<int:pk>/read/", views.PrincipleReadView.as_view(), name="principle_read"),
]
