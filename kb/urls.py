"""URL configuration for the kb project."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("基层心得知识库 · 管理")
admin.site.site_title = _("基层心得知识库")
admin.site.index_title = _("内容管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("experiences.urls")),
]
