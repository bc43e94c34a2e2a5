"""The OpenAPI schema and the Swagger UI, served from the installed sidecar package (no CDN)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import resolve

from assessor.api import organizations
from collectors.api.ci import CiEvidencePush

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_with_every_operation(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/orgs/{org}/teams/{team}/" in schema["paths"]
    assert "/api/v1/export/tag/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"
    assert client.get("/api/v1/schema/").content.startswith(b"openapi: 3.")


def test_the_docs_page_loads_swagger_ui_from_this_server_only(client):
    page = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/" in source for source in sources)
    assert "<script>" not in page.replace(" ", ""), "no inline script, so a strict Content-Security-Policy holds"
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/").split("?")[0]), source


def test_the_docs_script_points_at_the_schema(client):
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert "/api/v1/schema/" in script


def test_the_service_mounts_each_apps_api_and_one_view_serves_the_ci_push():
    assert resolve("/api/v1/orgs/acme/teams/").func.view_class is organizations.TeamList
    assert resolve("/api/v1/evidence/").func.view_class is CiEvidencePush
