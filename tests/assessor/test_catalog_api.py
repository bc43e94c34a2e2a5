"""Reading a running catalog's REST API, served by a real local HTTP server that pages like Backstage does."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Request, Response

from assessor.catalog import source
from assessor.catalog.source import CatalogFetchError, fetch_entities
from assessor.models import Consumption, Organization
from assessor.tasks import sync_catalog

ENTITIES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "northwind-entities.json").read_text())
TOKEN = "backstage-test-token"


class FakeCatalog:
    """`/api/catalog/entities/by-query` with cursors, and the older `/api/catalog/entities` with offset and limit."""

    def __init__(self, *, by_query: bool = True) -> None:
        self.by_query = by_query
        self.requests: list[dict[str, Any]] = []

    def handle(self, request: Request) -> Response:
        self.requests.append({"path": request.path, "args": dict(request.args)})
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response(json.dumps({"error": {"name": "AuthenticationError"}}), status=401)
        limit = int(request.args.get("limit", "20"))
        if request.path == "/api/catalog/entities/by-query" and self.by_query:
            start = int(request.args.get("cursor", "c0")[1:])
            page = ENTITIES[start : start + limit]
            more = start + limit < len(ENTITIES)
            body: Any = {
                "items": page,
                "totalItems": len(ENTITIES),
                "pageInfo": {"nextCursor": f"c{start + limit}"} if more else {},
            }
        elif request.path == "/api/catalog/entities":
            offset = int(request.args.get("offset", "0"))
            body = ENTITIES[offset : offset + limit]
        else:
            return Response(json.dumps({"error": {"name": "NotFoundError"}}), status=404)
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(source, "PAGE_SIZE", 10)


def serve(httpserver: Any, catalog: FakeCatalog) -> str:
    httpserver.expect_request("/api/catalog/entities/by-query").respond_with_handler(catalog.handle)
    httpserver.expect_request("/api/catalog/entities").respond_with_handler(catalog.handle)
    return httpserver.url_for("/").rstrip("/")


def test_it_follows_the_cursor_through_every_page(httpserver, small_pages):
    catalog = FakeCatalog()
    entities = fetch_entities(serve(httpserver, catalog), token=TOKEN)
    assert entities == ENTITIES
    cursors = [r["args"].get("cursor") for r in catalog.requests]
    assert cursors == [None, *(f"c{n}" for n in range(10, len(ENTITIES), 10))]
    assert all(r["args"]["limit"] == "10" for r in catalog.requests)


def test_it_falls_back_to_offset_paging_on_an_older_catalog(httpserver, small_pages):
    catalog = FakeCatalog(by_query=False)
    assert fetch_entities(serve(httpserver, catalog), token=TOKEN) == ENTITIES
    assert catalog.requests[0]["path"] == "/api/catalog/entities/by-query"
    offsets = [r["args"]["offset"] for r in catalog.requests[1:]]
    assert offsets == [str(n) for n in range(0, len(ENTITIES) // 10 * 10 + 1, 10)]


def test_a_refused_token_is_a_permanent_error(httpserver):
    with pytest.raises(CatalogFetchError, match="refused the token") as caught:
        fetch_entities(serve(httpserver, FakeCatalog()), token="wrong")
    assert caught.value.retryable is False


def test_a_server_error_is_worth_retrying(httpserver):
    httpserver.expect_request("/api/catalog/entities/by-query").respond_with_data("busy", status=503)
    with pytest.raises(CatalogFetchError, match="503") as caught:
        fetch_entities(httpserver.url_for("/"), token=TOKEN)
    assert caught.value.retryable is True


@pytest.mark.django_db
def test_the_command_syncs_from_the_api_with_the_token_setting(httpserver, settings, small_pages):
    settings.BACKSTAGE_TOKEN = TOKEN
    organization = Organization.objects.create(name="Northwind", slug="nw")
    url = serve(httpserver, FakeCatalog())
    call_command("sync_catalog", "--from", url, stdout=StringIO())  # the only organization: no --organization
    assert organization.teams.count() == 12
    assert Consumption.objects.filter(consumer__organization=organization).count() == 17
    with pytest.raises(CommandError, match="refused the token"):
        call_command("sync_catalog", "--from", url, "--token", "wrong", stdout=StringIO())


@pytest.mark.django_db
def test_the_scheduled_sync_does_nothing_until_configured_and_then_syncs(httpserver, settings):
    assert sync_catalog.apply(kwargs={"organization": "", "source": ""}).get().startswith("not configured")
    settings.BACKSTAGE_TOKEN = TOKEN
    Organization.objects.create(name="Northwind", slug="nw")
    result = sync_catalog.apply(kwargs={"organization": "nw", "source": serve(httpserver, FakeCatalog())}).get()
    # 3 groups, 12 teams, 6 people in 7 memberships (one person is in two teams), 12 repositories, 17 links
    assert result == "57 added, 0 changed, 0 removed"
    assert Organization.objects.get(slug="nw").teams.count() == 12
