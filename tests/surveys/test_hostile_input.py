"""Random and hostile input to the autosave and step endpoints and to the issue-body parser."""

import json
import string

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.issueforms import parse_issue_body, split_sections
from surveys.models import Response
from surveys.selectors import answer_values
from surveys.services import response_save

pytestmark = pytest.mark.django_db

KEYS = ["about.team_size", "investment.funding", "feedback.satisfaction", "coop.pains", "target.adoption", "cap.data.need"]
json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12
)
answer_maps = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=30), json_values, max_size=6)
bodies = st.one_of(
    st.fixed_dictionaries({"version": json_values, "answers": answer_maps}),
    st.fixed_dictionaries({"version": st.just(1), "answers": answer_maps, "step": json_values}),
    json_values,
)
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def started(invite, rescores):
    invitation = invite()
    response_save(
        invitation=invitation, version=0, raw={"coop.pains": "Original", "investment.funding": "volunteers"}, now=timezone.now()
    )
    return invitation


@HYPOTHESIS
@given(body=bodies)
def test_autosave_never_fails_and_a_rejected_request_changes_nothing(client, started, body):
    before = answer_values(Response.objects.get())
    version_before = Response.objects.get().version
    reply = client.post(f"/s/{started.token()}/save/", data=json.dumps(body), content_type="application/json")
    assert reply.status_code in (200, 400, 409), reply.content
    assert "error" in reply.json() or reply.json()["ok"]
    if reply.status_code != 200:
        response = Response.objects.get()
        assert answer_values(response) == before and response.version == version_before


@HYPOTHESIS
@given(raw=st.binary(max_size=300))
def test_autosave_survives_arbitrary_bytes(client, started, raw):
    before = answer_values(Response.objects.get())
    reply = client.post(f"/s/{started.token()}/save/", data=raw, content_type="application/json")
    assert reply.status_code in (200, 400, 409)
    if reply.status_code != 200:
        assert answer_values(Response.objects.get()) == before


form_values = st.lists(
    st.text(max_size=30) | st.sampled_from(["volunteers", "na", "8", "11", "-1", "1e999", "size_1_5"]), max_size=3
)


@HYPOTHESIS
@given(
    fields=st.dictionaries(st.sampled_from([*KEYS, "investment.roles", "feedback.comment", "junk"]), form_values, max_size=6),
    action=st.sampled_from(["continue", "back", "save", "submit", "explode", ""]),
    version=st.sampled_from(["1", "0", "", "abc", "99999999999999", "-1", "\uff11"]),
    section=st.sampled_from(["about", "investment", "feedback", "cooperation", "targets"]),
)
def test_step_posts_never_fail_and_a_rejected_post_changes_nothing(client, started, fields, action, version, section):
    before = answer_values(Response.objects.get())
    data = {key: values for key, values in fields.items()}
    data.update({"version": version, "action": action})
    reply = client.post(f"/s/{started.token()}/step/{section}/", data)
    assert reply.status_code in (200, 302, 400, 409), reply.status_code
    if reply.status_code in (400, 409):
        assert answer_values(Response.objects.get()) == before


markdown_lines = st.sampled_from(
    [
        "### Pains",
        "### Service requirements",
        "```",
        "```yaml",
        "~~~",
        "- [x] One",
        "- [ ] Two",
        "_No response_",
        "",
        "    ### indented",
        "###",
        "### ",
    ]
)
bodies_text = st.lists(markdown_lines | st.text(alphabet=string.printable + "\u00e9\u2028\x00", max_size=40), max_size=30).map(
    "\n".join
)


@settings(max_examples=200, deadline=None)
@given(body=bodies_text | st.text(max_size=400))
def test_the_issue_body_parser_never_raises_and_returns_labels_to_values(body):
    parsed = parse_issue_body(body)
    assert isinstance(parsed, dict)
    for label, value in parsed.items():
        assert isinstance(label, str) and label.strip() == label and label
        assert value is None or isinstance(value, str | list)
    assert set(split_sections(body, labels=["Pains"])) <= {"Pains"}
