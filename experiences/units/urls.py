"""URLs of enrolment: the organiser's roster pages and a new colleague's first sign-in link."""

from django.urls import path

from experiences.units import views

urlpatterns = [
    path("roster/", views.RosterUploadView.as_view(), name="roster_upload"),
    path("roster/confirm/", views.RosterConfirmView.as_view(), name="roster_confirm"),
    path("roster/<int:pk>/", views.RosterBatchView.as_view(), name="roster_batch"),
    path("roster/<int:pk>/slips.docx", views.RosterSlipsView.as_view(), name="roster_slips"),
    path("enrolment/", views.EnrolmentListView.as_view(), name="enrolment_list"),
    path(
        "enrolment/<int:user_id>/reissue/",
        views.EnrolmentReissueView.as_view(),
        name="enrolment_reissue",
    ),
    path(
        "enrolment/<int:user_id>/slip.docx",
        views.EnrolmentSlipView.as_view(),
        name="enrolment_slip",
    ),
    path(
        "welcome/<str:uidb36>/<str:token>/",
        views.FirstSignInView.as_view(),
        name="first_sign_in",
    ),
]
