"""URL configuration for the kb project."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from experiences import views

admin.site.site_header = _("基层心得知识库 · 管理")
admin.site.site_title = _("基层心得知识库")
admin.site.index_title = _("内容管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/profile/", views.ProfileUpdateView.as_view(), name="profile_edit"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("experiences.urls")),
]
