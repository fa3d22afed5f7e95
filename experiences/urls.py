from django.urls import path

from . import views

app_name = "experiences"

# `str` rather than `slug`: slugs are Chinese (人情世故-坚定原则), which the slug converter rejects.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("essays/<str:slug>/", views.EssayDetailView.as_view(), name="essay_detail"),
    path(
        "essays/<str:essay_slug>/<str:slug>/",
        views.PrincipleDetailView.as_view(),
        name="principle_detail",
    ),
]
