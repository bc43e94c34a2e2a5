"""Every bad request gets a 4xx with one JSON error body that says what is wrong; never a 500."""

import pytest

from assessor.api.errors import error_body, handler

pytestmark = pytest.mark.django_db


def error_of(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


def test_it_names_a_bad_filter(world):
    error = error_of(world.client("admin").get("/api/v1/orgs/acme/scores/?wave=abc"), 400)
    assert error["code"] == "invalid"
    assert error["message"] == "wave: A valid integer is required."
    assert error["details"] == {"wave": ["A valid integer is required."]}


@pytest.mark.parametrize(
    "query",
    [
        "kind=robot",
        "aspect=happiness",
        "team=-1",
        "wave=99999999999999999999999",
        "wave=1.5",
        "limit=abc",
        "limit=0",
        "offset=-3",
    ],
)
def test_it_refuses_each_bad_query_parameter(world, query):
    error = error_of(world.client("admin").get(f"/api/v1/orgs/acme/scores/?{query}"), 400)
    assert query.split("=")[0] in error["message"]


def test_it_refuses_a_limit_above_the_maximum(world):
    error = error_of(world.client("admin").get("/api/v1/orgs/acme/teams/?limit=100000"), 400)
    assert "limit: must be between 1 and 1000" in error["message"]


def test_junk_json_is_a_parse_error(world):
    client = world.client("admin")
    response = client.generic("PUT", f"/api/v1/responses/{world.invitations['a'].token()}/", "{not json", "application/json")
    assert error_of(response, 400)["code"] == "parse_error"


def test_a_body_of_the_wrong_shape_or_types_says_which_field(world):
    path = f"/api/v1/responses/{world.invitations['a'].token()}/"
    client = world.client("anonymous")
    error = error_of(client.put(path, {"version": "soon", "answers": []}, format="json"), 400)
    assert set(error["details"]) == {"version", "answers"}
    assert error_of(client.put(path, [1, 2], format="json"), 400)["code"] == "invalid"


def test_unknown_fields_are_refused_by_name(world):
    path = f"/api/v1/responses/{world.invitations['a'].token()}/"
    error = error_of(world.client("anonymous").put(path, {"version": 0, "answers": {}, "colour": "red"}, format="json"), 400)
    assert error["details"] == {"colour": ["Unknown field."]}


def test_an_unsupported_content_type_is_a_415(world):
    path = f"/api/v1/responses/{world.invitations['a'].token()}/"
    response = world.client("anonymous").generic("PUT", path, "version=0", "text/plain")
    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_a_wrong_method_is_a_405(world):
    assert error_of(world.client("admin").delete("/api/v1/orgs/acme/teams/"), 405)["code"] == "method_not_allowed"


def test_missing_or_wrong_credentials_are_a_401(world):
    assert error_of(world.client("anonymous").get("/api/v1/orgs/"), 401)["code"] == "not_authenticated"
    client = world.client("anonymous")
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert error_of(client.get("/api/v1/orgs/"), 401)["code"] == "authentication_failed"


def test_an_unknown_path_or_a_huge_id_is_a_json_404(world):
    assert error_of(world.client("admin").get("/api/v1/no/such/thing/"), 404)["code"] == "not_found"
    assert error_of(world.client("admin").get("/api/v1/orgs/acme/teams/99999999999999999999999/"), 404)["code"] == "not_found"


def test_an_unknown_organization_looks_the_same_as_one_you_do_not_belong_to(world):
    missing = error_of(world.client("member_a").get("/api/v1/orgs/nowhere/teams/"), 404)
    foreign = error_of(world.client("member_a").get("/api/v1/orgs/other/teams/"), 404)
    assert missing["code"] == foreign["code"] == "not_found"


def test_exports_refuse_bad_parameters(world):
    client = world.client("admin")
    assert "wave: This field is required." in error_of(client.get("/api/v1/export/tag/"), 400)["message"]
    assert error_of(client.get(f"/api/v1/export/tag/?wave={world.closed_wave.pk}&format=pdf"), 400)["details"]["format"]
    assert error_of(client.get("/api/v1/export/answers/?format=xml"), 400)["details"]["format"]


def test_the_handler_leaves_unexpected_exceptions_to_django():
    assert handler(RuntimeError("boom"), {}) is None
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y", "details": None}}
