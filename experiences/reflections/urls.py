"""URLs of the reflections domain: list, writing, 点赞, tag pages and the Atom feeds."""

from django.urls import path

from experiences.reflections import feeds, tags, views

urlpatterns = [
    path("reflections/", views.ReflectionListView.as_view(), name="reflection_list"),
    path("reflections/new/", views.ReflectionCreateView.as_view(), name="reflection_create"),
    path(
        "reflections/<int:pk>/edit/", views.ReflectionUpdateView.as_view(), name="reflection_update"
    ),
    path(
        "reflections/<int:pk>/delete/",
        views.ReflectionDeleteView.as_view(),
        name="reflection_delete",
    ),
    path("reflections/<int:pk>/like/", views.LikeView.as_view(), name="reflection_like"),
    path("tags/", tags.TagListView.as_view(), name="tag_list"),
    # `textpath`: a tag name stored before slashes were refused may hold one; dot segments
    # are linked escaped (core/converters.py).
    path("tags/<textpath:name>/", tags.TagDetailView.as_view(), name="tag_detail"),
    path("feeds/reflections/", feeds.ReflectionsFeed(), name="feed_reflections"),
    path("feeds/principles/<int:pk>/", feeds.PrincipleReflectionsFeed(), name="feed_principle"),
    # `textpath`: a tag name stored before slashes were refused may hold one; dot segments
    # are linked escaped (core/converters.py).
    path("feeds/tags/<textpath:name>/", feeds.TagReflectionsFeed(), name="feed_tag"),
    # 订阅: what a feed is and its address, for people (the feeds themselves are for readers).
    path("subscribe/", feeds.FeedSubscribeView.as_view(), name="feed_subscribe"),
    path(
        "subscribe/principles/<int:pk>/",
        feeds.FeedSubscribeView.as_view(),
        name="feed_subscribe_principle",
    ),
    path(
        "subscribe/tags/<textpath:name>/",
        feeds.FeedSubscribeView.as_view(),
        name="feed_subscribe_tag",
    ),
]
