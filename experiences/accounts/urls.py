"""URLs of the accounts domain.

``urlpatterns`` are the account pages under /accounts/ (sign-up, the privacy policy,
profile, deletion, Django's login and password pages, the password
change and reset throttled); a
colleague's public page is the reading domain's (reading/urls.py).
"""

from django.urls import include, path

from experiences.accounts import data_views, views

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("privacy/", views.PrivacyPolicyView.as_view(), name="privacy"),
    path("profile/", views.ProfileUpdateView.as_view(), name="profile_edit"),
    path("delete/", data_views.AccountDeleteView.as_view(), name="account_delete"),
    path("password_change/", views.ThrottledPasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
