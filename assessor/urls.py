"""Top-level URL configuration."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from assessor import views
from assessor.auth_views import ThrottledLoginView

admin.site.site_header = "Platform maturity assessor"
admin.site.site_title = "Assessor admin"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("model/", views.model_grid, name="model"),
    path("favicon.ico", RedirectView.as_view(url=static("assessor/favicon.svg"), permanent=True)),
    path("", include("surveys.urls")),
    path("", include("collectors.urls")),
    path("", include("reports.urls")),
    path("api/v1/", include("assessor.api.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
