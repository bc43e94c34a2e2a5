"""The API alone under /api/v1/, so its tests do not depend on the other apps' pages."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("assessor.api.urls"))]
