"""Issue-form templates into instruments, and issue bodies into answers: pure, from fixtures."""

from pathlib import Path

import pytest

from assessor.yamlsafe import load_yaml
from surveys.instruments import InstrumentError
from surveys.issueforms import issue_answers, issue_form_definition, issue_form_instrument, parse_issue_body, split_sections

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "issue_forms"
SHIPPED = Path(__file__).resolve().parents[2] / "surveys" / "data" / "issue_forms" / "infrastructure.yaml"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def infrastructure():
    return issue_form_instrument(load_yaml(SHIPPED.read_bytes()))


def tooling():
    return issue_form_instrument(load_yaml(fixture("tooling-form.yml")))


def test_the_shipped_infrastructure_form_keeps_the_working_groups_fields():
    spec = infrastructure()
    assert spec.key == "infrastructure-for-apps-use-case" and spec.version == 1 and spec.source == "issue_form"
    fields = [(q.key, q.qtype, q.text, q.required) for q in spec.questions()]
    assert fields == [
        ("service_requirements", "text", "Service requirements", True),
        ("service_implementation", "text", "Service implementation", False),
        ("pains", "text", "Pains", False),
        ("suggestions", "text", "Suggestions", False),
        ("organization-size", "single_choice", "Organization size", False),
        ("organization", "text", "Organization", False),
    ]
    sizes = spec.question("organization-size").options
    assert [o.label for o in sizes] == ["1-10", "11-100", "101-500", "501-2000", "2000+"]


def test_dropdowns_with_multiple_and_checkboxes_become_multi_choice_and_labels_make_keys():
    spec = tooling()
    assert [(q.key, q.qtype, q.required) for q in spec.questions()] == [
        ("tools", "multi_choice", False),
        ("environments-you-deploy-to", "multi_choice", False),
        ("team-name", "text", True),
        ("favourite", "single_choice", False),
    ]
    assert spec.key == "delivery-tooling"
    assert issue_form_instrument(load_yaml(fixture("tooling-form.yml")), key="tools", version=3).key == "tools"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ([], "must be a mapping"),
        ({"body": []}, "needs a 'name'"),
        ({"name": "X", "body": [{"type": "markdown", "attributes": {"value": "Hi"}}]}, "only markdown"),
        ({"name": "X", "body": [{"type": "slider", "attributes": {"label": "A"}}]}, "unknown type 'slider'"),
        ({"name": "X", "body": [{"type": "input", "attributes": {}}]}, "label"),
        ({"name": "X", "body": [{"type": "dropdown", "attributes": {"label": "A"}}]}, "list of option texts"),
        (
            {
                "name": "X",
                "body": [{"type": "input", "attributes": {"label": "A"}}, {"type": "textarea", "attributes": {"label": "a"}}],
            },
            "share a label",
        ),
    ],
)
def test_a_broken_template_is_refused_with_a_message(template, message):
    with pytest.raises(InstrumentError, match=message):
        issue_form_definition(template)


def test_fenced_code_and_lists_stay_intact_and_a_header_inside_a_fence_is_content():
    parsed = parse_issue_body(fixture("infrastructure-gitops-team.md"))
    assert list(parsed) == [
        "Service requirements",
        "Service implementation",
        "Pains",
        "Suggestions",
        "Organization size",
        "Organization",
    ]
    requirements = parsed["Service requirements"]
    assert requirements.startswith("Our order services need:\n\n- a PostgreSQL database per service")
    assert "```yaml\napiVersion: databases.example.com/v1" in requirements
    assert "### this line is part of the YAML comment block, not a new section\nspec:\n  storage: 20Gi\n```" in requirements
    assert (
        "1. Open a pull request against the platform repository.\n2. Argo CD syncs the change."
        in parsed["Service implementation"]
    )
    assert parsed["Pains"] is None
    assert parsed["Organization size"] == "501-2000"


def test_no_response_and_missing_sections_are_empty():
    parsed = parse_issue_body(fixture("infrastructure-no-response.md"))
    assert parsed["Service requirements"] == "Managed databases and certificates."
    assert all(parsed[label] is None for label in ("Service implementation", "Pains", "Suggestions", "Organization size"))
    answers = issue_answers(infrastructure(), fixture("infrastructure-short.md"))
    assert answers.raw == {
        "service_requirements": "Object storage and a managed Redis.",
        "service_implementation": None,
        "pains": None,
        "suggestions": None,
        "organization-size": "11-100",
        "organization": None,
    }


def test_checkboxes_and_comma_joined_choices_map_to_options():
    answers = issue_answers(tooling(), fixture("tooling-answer.md"))
    assert answers.raw["tools"] == ["argo-cd", "jenkins-classic", "tekton"]
    assert answers.raw["environments-you-deploy-to"] == ["development", "production"]
    assert answers.raw["team-name"] == "Checkout"
    assert answers.raw["favourite"] == "flux"
    assert answers.warnings == ()
    assert parse_issue_body(fixture("tooling-answer.md"))["Environments you deploy to"] == ["Development", "Production"]


def test_an_unknown_choice_is_left_out_with_a_warning():
    answers = issue_answers(infrastructure(), fixture("infrastructure-unknown-size.md"))
    assert answers.raw["organization-size"] is None
    assert "'About forty people' is not an option" in answers.warnings[0]


def test_only_the_forms_labels_start_sections_when_the_template_is_known():
    body = "### Pains\n\nToo slow.\n\n### My own heading\n\nMore detail.\n\n### Suggestions\n\nFaster."
    assert split_sections(body, labels=["Pains", "Suggestions"]) == {
        "Pains": "Too slow.\n\n### My own heading\n\nMore detail.",
        "Suggestions": "Faster.",
    }
    assert set(parse_issue_body(body)) == {"Pains", "My own heading", "Suggestions"}


def test_odd_bodies_parse_without_surprises():
    assert parse_issue_body("") == {}
    assert parse_issue_body("no sections at all") == {}
    assert parse_issue_body("### A\r\n\r\nWindows\r\n### B\r\n") == {"A": "Windows", "B": None}
    assert parse_issue_body("~~~\n### Not a header\n~~~\n### Real\nyes") == {"Real": "yes"}
    assert parse_issue_body("### Unclosed\n```\n### Inside\n") == {"Unclosed": "```\n### Inside"}
    assert parse_issue_body("### First\n\none\n\n### First\n\ntwo") == {"First": "one"}
    assert parse_issue_body(None) == {}  # type: ignore[arg-type]
