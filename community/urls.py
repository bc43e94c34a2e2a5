"""URLs of the community's pages."""

from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("communities/", views.community_list, name="list"),
    path("communities/<slug:slug>/", views.community_report, name="report"),
    path("communities/<slug:slug>/contributors/", views.contributors, name="contributors"),
    path("dashboard/waves/<int:wave_id>/community/", views.publish, name="publish"),
]
