"""Bodies nested thousands of levels deep are a 400 with a message on every endpoint that reads JSON, never a 500."""

from __future__ import annotations

import pytest

from assessor import jsonsafe
from assessor.models import Repository
from collectors.pushed import ci_token_issue

pytestmark = pytest.mark.django_db
DEEP = "[" * 3000 + "]" * 3000  # about 6 KB


def test_depth_counts_brackets_but_not_brackets_inside_strings():
    assert jsonsafe.nesting_depth('{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert jsonsafe.nesting_depth('"\\"[[["') == 0
    assert jsonsafe.nesting_depth(DEEP) == jsonsafe.MAX_DEPTH + 1  # stops counting once past the limit


def test_loads_refuses_deep_documents_and_reads_ordinary_ones():
    with pytest.raises(jsonsafe.JsonTooDeep, match="more than 64 levels"):
        jsonsafe.loads(DEEP)
    nested = "[" * 64 + "]" * 64
    assert jsonsafe.loads(nested) is not None
    assert jsonsafe.loads(b'{"a": 1}') == {"a": 1}


@pytest.mark.parametrize("method, suffix", [("put", ""), ("post", "submit/")])
def test_a_deep_body_to_a_response_is_a_400(world, method, suffix):
    token = world.invitations["a"].token()
    response = getattr(world.client("anonymous"), method)(
        f"/api/v1/responses/{token}/{suffix}", DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert "levels deep" in response.json()["error"]["message"]


def test_a_deep_body_to_the_collections_endpoint_is_a_400(world):
    response = world.client("admin").post("/api/v1/orgs/acme/collections/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "levels deep" in response.json()["error"]["message"]


def test_a_deep_ci_push_is_a_400(world):
    repository = Repository.objects.create(team=world.team_a, name="checkout", github_full_name="acme/checkout")
    token = ci_token_issue(repository=repository, label="deploy")
    response = world.client("anonymous").post(
        "/api/v1/evidence/", '{"schema": "ci-evidence/1", "signals": ' + DEEP + "}", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert response.status_code == 400
    assert "levels deep" in response.json()["error"]["message"]
