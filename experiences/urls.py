from django.urls import path

from . import converters, feeds, views  # noqa: F401  (converters registers text/textpath)

app_name = "experiences"

# `text` rather than `slug`: slugs are Chinese (人情世故-坚定原则), which the slug converter
# rejects; `text` is `str` without NUL (converters.py).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("essays/<text:slug>/", views.EssayDetailView.as_view(), name="essay_detail"),
    path(
        "essays/<text:essay_slug>/<text:slug>/",
        views.PrincipleDetailView.as_view(),
        name="principle_detail",
    ),
    path("reflections/", views.ReflectionListView.as_view(), name="reflection_list"),
    path("reflections/new/", views.ReflectionCreateView.as_view(), name="reflection_create"),
    path("reflections/<int:pk>/", views.ReflectionDetailView.as_view(), name="reflection_detail"),
    path(
        "reflections/<int:pk>/edit/", views.ReflectionUpdateView.as_view(), name="reflection_update"
    ),
    path(
        "reflections/<int:pk>/delete/",
        views.ReflectionDeleteView.as_view(),
        name="reflection_delete",
    ),
    path("reflections/<int:pk>/like/", views.LikeView.as_view(), name="reflection_like"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    # `textpath`: a tag name may contain anything but NUL, even a slash.
    path("tags/<textpath:name>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("feeds/reflections/", feeds.ReflectionsFeed(), name="feed_reflections"),
    path("feeds/principles/<int:pk>/", feeds.PrincipleReflectionsFeed(), name="feed_principle"),
    path("feeds/tags/<textpath:name>/", feeds.TagReflectionsFeed(), name="feed_tag"),
    path("users/<text:username>/", views.UserDetailView.as_view(), name="user_detail"),
]
