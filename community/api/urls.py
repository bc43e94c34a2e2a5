"""URLs of the community's API, mounted under /api/v1/ by the shell."""

from django.urls import path

from community.api import views

urlpatterns = [
    path("communities/<slug:slug>/releases/", views.ReleaseList.as_view(), name="community-releases"),
    path("communities/<slug:slug>/releases/<id:pk>/", views.ReleaseDocument.as_view(), name="community-release"),
    path("communities/<slug:slug>/report/", views.ReportView.as_view(), name="community-report"),
    path("communities/<slug:slug>/benchmark/", views.BenchmarkView.as_view(), name="community-benchmark"),
]
