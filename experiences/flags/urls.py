"""URLs of the flags domain: flagging a reflection or a reply, and 我的举报."""

from django.urls import path

from experiences.flags import views

urlpatterns = [
    path("reflections/<int:pk>/flag/", views.ReflectionFlagView.as_view(), name="reflection_flag"),
    path("replies/<int:pk>/flag/", views.ReplyFlagView.as_view(), name="reply_flag"),
    path("flags/", views.FlagListView.as_view(), name="flag_list"),
]
