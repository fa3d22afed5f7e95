"""URLs of 学习专题: a topic's report, exports and reminders, and the dashboard."""

from django.urls import path

from experiences.study import views

urlpatterns = [
    path("study/<int:pk>/report/", views.StudyReportView.as_view(), name="study_report"),
    path("study/<int:pk>/export.docx", views.StudyDocxView.as_view(), name="study_docx"),
    path(
        "study/<int:pk>/participation.xlsx",
        views.StudyXlsxView.as_view(),
        name="study_xlsx",
    ),
    path("study/<int:pk>/remind/", views.StudyRemindView.as_view(), name="study_remind"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
