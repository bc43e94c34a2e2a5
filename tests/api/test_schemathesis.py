"""schemathesis against the API's own OpenAPI schema: generated requests never get a 5xx, and every
answer (2xx or error) matches what the schema says about its status, content type and body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25
# GET and PUT on /responses/{token}/; GET and POST on /export/tag/releases/, waivers/ and /communities/{slug}/releases/
EXTRA_METHODS = 4
URLCONF = "assessor.urls"


def api_schema_document() -> dict[str, Any]:
    """What /api/v1/schema/?format=json serves (the app's own schema, generated the same way)."""
    generated = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(api_schema_document())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_transaction_open() -> Iterator[None]:
    """As Django's test client does: the end of a request must not close the test's open transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_tested_is_the_one_served(world):
    served = world.client("anonymous").get("/api/v1/schema/?format=json")
    assert served.status_code == 200
    assert json.loads(served.content) == api_schema_document()


def test_generated_requests_get_answers_that_match_the_schema(world: Any) -> None:
    """Every operation, MAX_EXAMPLES generated requests each, as an admin, against one shared organization."""
    real = {"org": "acme", "team": world.team_a.pk, "wave": world.wave.pk, "token": world.invitations["a"].token()}
    headers = {"Authorization": f"Token {world.tokens['admin']}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def call(case: Any) -> None:
            for name, value in real.items():
                if case.path_parameters and name in case.path_parameters:
                    case.path_parameters[name] = value
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; failures are reported together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations == len(schema.raw_schema["paths"]) + EXTRA_METHODS
    assert not failures, "\n\n".join(failures)
