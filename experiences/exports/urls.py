"""URLs of export jobs: the page that shows progress, and the finished file."""

from django.urls import path

from experiences.exports import data_zip, views

urlpatterns = [
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path(
        "exports/<int:pk>/download/",
        views.ExportJobDownloadView.as_view(),
        name="export_job_download",
    ),
]

# Under /accounts/ beside the account pages (kb/urls.py): a colleague's data as one ZIP.
account_urlpatterns = [
    path("data/", data_zip.DataExportView.as_view(), name="data_export"),
]
