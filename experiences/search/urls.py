"""URLs of the search domain."""

from django.urls import path

from experiences.search import views

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
]
