"""URLs of the tagging domain: all tags, one tag."""

from django.urls import path

from experiences.tagging import views

urlpatterns = [
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    # `textpath`: a tag name may contain anything but NUL, even a slash.
    path("tags/<textpath:name>/", views.TagDetailView.as_view(), name="tag_detail"),
]
