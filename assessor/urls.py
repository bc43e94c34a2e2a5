"""Top-level URL configuration: the shell lists every app's pages and its part of the API."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from assessor import views
from assessor.api import errors as api_errors
from assessor.api import urls as core_api
from assessor.auth_views import ThrottledPasswordResetView
from assessor.oidc import sso_refused
from collectors.api import urls as collectors_api
from community.api import urls as community_api
from reports.api import urls as reports_api
from surveys.api import urls as surveys_api

admin.site.site_header = "Platform maturity assessor"
admin.site.site_title = "Assessor admin"
admin.site.index_title = "Administration"

# One namespace ("api") for the whole API; anything else under /api/v1/ is a JSON 404.
api_patterns = [
    *core_api.urlpatterns,
    *surveys_api.urlpatterns,
    *collectors_api.urlpatterns,
    *reports_api.urlpatterns,
    *community_api.urlpatterns,
    re_path(r"^.*$", api_errors.not_found, name="not-found"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("model/", views.model_grid, name="model"),
    path("favicon.ico", RedirectView.as_view(url=static("assessor/favicon.svg"), permanent=True)),
    path("", include("surveys.urls")),
    path("", include("collectors.urls")),
    path("", include("reports.urls")),
    path("", include("community.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/sso/refused/", sso_refused, name="sso_refused"),
    path("accounts/sso/", include("mozilla_django_oidc.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
