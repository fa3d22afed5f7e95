"""URLs of export jobs: the page that shows progress, and the finished file."""

from django.urls import path

from experiences.exports import views

urlpatterns = [
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path(
        "exports/<int:pk>/download/",
        views.ExportJobDownloadView.as_view(),
        name="export_job_download",
    ),
]
