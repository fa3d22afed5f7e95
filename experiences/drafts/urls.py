"""URLs of the drafts domain: 我的草稿, deleting one, and the autosave endpoint."""

from django.urls import path

from experiences.drafts import views

urlpatterns = [
    path("drafts/", views.DraftListView.as_view(), name="draft_list"),
    path("drafts/autosave/", views.DraftAutosaveView.as_view(), name="draft_autosave"),
    path("drafts/<int:pk>/delete/", views.DraftDeleteView.as_view(), name="draft_delete"),
]
