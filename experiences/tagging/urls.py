"""URLs of the tagging domain: all tags, one tag."""

from django.urls import path

from experiences.tagging import views

urlpatterns = [
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    # `textpath`: a tag name stored before slashes were refused may hold one; dot segments
    # are linked escaped (core/converters.py).
    path("tags/<textpath:name>/", views.TagDetailView.as_view(), name="tag_detail"),
]
