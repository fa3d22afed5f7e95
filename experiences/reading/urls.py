"""URLs of the reading domain: 收藏 (toggle, list, delete) and 已学."""

from django.urls import path

from experiences.reading import views

urlpatterns = [
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
