"""URLs of the replies domain: writing, editing and deleting a reply."""

from django.urls import path

from experiences.replies import views

urlpatterns = [
    path(
        "reflections/<int:pk>/replies/new/",
        views.ReplyCreateView.as_view(),
        name="reply_create",
    ),
    path("replies/<int:pk>/edit/", views.ReplyUpdateView.as_view(), name="reply_update"),
    path("replies/<int:pk>/delete/", views.ReplyDeleteView.as_view(), name="reply_delete"),
]
