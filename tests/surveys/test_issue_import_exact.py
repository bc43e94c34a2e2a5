"""Issue-form import, exact: one issue is one response on every path, renamed labels, limits, bad files, whitespace."""

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessor.models import Repository, Team
from collectors.issueforms import survey_issues_import
from collectors.records import IssueRecord
from surveys.issueforms import IssueForm, issue_identity, split_marker
from surveys.models import Instrument, Response
from surveys.selectors import answer_values
from surveys.services import issue_responses_import
from tests.surveys.conftest import make_wave
from tests.surveys.test_issue_import import SHIPPED

pytestmark = pytest.mark.django_db

ARGS = ["--instrument", "infrastructure-for-apps-use-case", "--team", "checkout"]
BODY = "### Service requirements\n\nA queue per service.\n\n### Pains\n\nTickets.\n"
URL = "https://github.com/Example/Tag-App-Delivery/issues/42"


@pytest.fixture
def form_wave(demo_org):
    call_command("import_issue_form", str(SHIPPED), stdout=StringIO())
    return make_wave(demo_org, Instrument.objects.get(key="infrastructure-for-apps-use-case"), name="Issue forms")


def run(wave, *files, expect_error: str | None = None) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    args = [str(f) for f in files] + [*ARGS, "--wave", str(wave.pk)]
    if expect_error:
        with pytest.raises(CommandError, match=expect_error):
            call_command("import_issue_responses", *args, stdout=out, stderr=err)
    else:
        call_command("import_issue_responses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def collector_import(team: Team, body: str = BODY):
    repository = Repository.objects.create(team=team, name="tag-app-delivery", github_full_name="example/tag-app-delivery")
    record = IssueRecord(
        number=42,
        title="[infrastructure] Queues",
        body=body,
        author="octo-dev",
        url=URL,
        created_at=datetime(2026, 10, 2, 9, 15, tzinfo=UTC),
        closed_at=None,
        author_association="MEMBER",
    )
    return survey_issues_import(repository=repository, issues=[record])


def issue_json(tmp_path: Path, body: str, **extra) -> Path:
    item = {"number": 42, "title": "Queues", "user": {"login": "octo-dev"}, "body": body, **extra}
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(item))
    return path


def test_the_identity_is_the_same_from_a_url_an_api_url_a_marker_and_a_front_matter():
    identity = issue_identity("example/tag-app-delivery", 42)
    assert identity == "github:example/tag-app-delivery#42"
    assert split_marker(f"<!-- {URL} -->\n### Pains\n\nx") == (identity, "### Pains\n\nx")
    assert split_marker("<!-- example/Tag-App-Delivery#42 -->\nbody") == (identity, "body")
    front = "---\nrepository: example/tag-app-delivery\nnumber: 42\n---\n### Pains\n\nx"
    assert split_marker(front) == (identity, "### Pains\n\nx")
    assert split_marker("<!-- just a comment -->\nbody") == ("", "<!-- just a comment -->\nbody")
    assert issue_identity("not a repo", 42) == "" and issue_identity("a/b", 0) == ""


def test_one_issue_through_every_path_is_one_response(form_wave, tmp_path, rescores):
    team = Team.objects.get(slug="checkout")
    saved = tmp_path / "saved.md"
    saved.write_text(f"---\nurl: {URL}\n---\n{BODY}")
    run(form_wave, saved)
    out, _ = run(form_wave, issue_json(tmp_path, BODY, html_url=URL))
    assert "0 created, 0 updated, 1 unchanged" in out
    api_form = issue_json(
        tmp_path,
        BODY + "\n### Organization size\n\n11-100\n",
        repository_url="https://api.github.com/repos/example/tag-app-delivery",
    )
    out, _ = run(form_wave, api_form)
    assert "0 created, 1 updated" in out
    result = collector_import(team, BODY.replace("Tickets.", "Fewer tickets."))
    assert result.imported and "0 created, 1 updated" in result.note
    response = Response.objects.get(wave=form_wave)
    assert response.external_id == "github:example/tag-app-delivery#42"
    assert response.external_url == "https://github.com/example/tag-app-delivery/issues/42"
    assert answer_values(response)["pains"] == "Fewer tickets."


def test_an_issue_the_collector_imported_first_is_found_again_from_a_saved_body(form_wave, tmp_path, rescores):
    team = Team.objects.get(slug="checkout")
    assert "1 created" in collector_import(team).note
    saved = tmp_path / "saved.md"
    saved.write_text(f"<!-- issue: {URL} -->\n" + BODY.replace("Tickets.", "Waiting."))
    out, _ = run(form_wave, saved)
    assert "0 created, 1 updated" in out
    (response,) = Response.objects.filter(wave=form_wave)
    assert response.external_id.startswith("github-author:") and answer_values(response)["pains"] == "Waiting."


def test_two_different_issues_saved_as_issue_md_in_two_folders_stay_two(form_wave, tmp_path, rescores):
    first, second = tmp_path / "a" / "issue.md", tmp_path / "b" / "issue.md"
    for path, text in ((first, "A queue."), (second, "A cache.")):
        path.parent.mkdir()
        path.write_text(f"### Service requirements\n\n{text}\n")
    out, _ = run(form_wave, first, second)
    assert "2 created" in out
    run(form_wave, first, second)
    assert sorted(answer_values(r)["service_requirements"] for r in Response.objects.filter(wave=form_wave)) == [
        "A cache.",
        "A queue.",
    ]
    out, _ = run(form_wave, first)
    assert "0 created, 0 updated, 1 unchanged" in out  # the same content is the same issue, whatever the folder


def test_a_renamed_label_is_matched_by_the_field_id_of_an_earlier_version(form_wave, tmp_path, rescores):
    renamed = SHIPPED.read_text().replace("label: Pains", "label: What hurts")
    newer = tmp_path / "infrastructure-v2.yaml"
    newer.write_text(renamed)
    call_command("import_issue_form", str(newer), "--version", "2", stdout=StringIO())
    wave = make_wave(form_wave.organization, Instrument.objects.get(key=form_wave.instrument.key, version=2), name="Newer")
    old_body = "### Service requirements\n\nA broker.\n\n### Pains\n\nSlow tickets.\n\n### Suggestions\n\nSelf-service.\n"
    team = Team.objects.get(slug="checkout")
    report = issue_responses_import(wave=wave, team=team, issues=[IssueForm(source_id="old-form", body=old_body)])
    assert report.created == ["old-form"] and report.warnings == []
    assert answer_values(Response.objects.get(wave=wave)) == {
        "service_requirements": "A broker.",
        "pains": "Slow tickets.",
        "suggestions": "Self-service.",
    }


def test_an_unknown_heading_is_reported_and_never_merged_into_the_answer_above(form_wave, rescores):
    body = "### Service requirements\n\nA broker.\n\n### Budget owner\n\nFinance.\n\n### Pains\n\nSlow.\n"
    team = Team.objects.get(slug="checkout")
    report = issue_responses_import(wave=form_wave, team=team, issues=[IssueForm(source_id="x", body=body)])
    assert report.created == ["x"]
    assert any("'Budget owner' is no field of the form" in note for _, note in report.warnings)
    response = Response.objects.get()
    assert answer_values(response) == {"service_requirements": "A broker.", "pains": "Slow."}
    assert response.unmatched_sections == {"Budget owner": "Finance."}  # stored as its own field, as written

    edited = body.replace("Finance.", "Finance and IT.")
    again = issue_responses_import(wave=form_wave, team=team, issues=[IssueForm(source_id="x", body=edited)])
    assert again.updated == ["x"]
    response.refresh_from_db()
    assert response.unmatched_sections == {"Budget owner": "Finance and IT."}
    assert answer_values(response)["service_requirements"] == "A broker."


def test_an_answer_over_the_text_limit_refuses_the_issue_with_the_reason(form_wave, settings, rescores):
    settings.SURVEYS_MAX_TEXT_LENGTH = 50
    team = Team.objects.get(slug="checkout")
    issues = [
        IssueForm(source_id="long", body="### Service requirements\n\nA broker.\n\n### Pains\n\n" + "y" * 51),
        IssueForm(source_id="short", body="### Service requirements\n\nA broker.\n"),
    ]
    report = issue_responses_import(wave=form_wave, team=team, issues=issues)
    assert report.created == ["short"]
    (reason,) = [reason for source, reason in report.skipped if source == "long"]
    assert "'Pains' has 51 characters, over the limit of 50; the issue was not imported." in reason
    assert not Response.objects.filter(external_id="long").exists()


def test_a_file_that_is_not_utf8_is_reported_the_rest_imported_and_the_exit_is_non_zero(form_wave, tmp_path, rescores):
    bad, good = tmp_path / "bad.md", tmp_path / "good.md"
    bad.write_bytes("### Service requirements\n\nCaf\u00e9 queue.\n".encode("latin-1"))
    good.write_text("### Service requirements\n\nA queue.\n")
    with pytest.raises(CommandError, match="1 file\\(s\\) could not be read; the others were imported") as raised:
        call_command("import_issue_responses", str(bad), str(good), *ARGS, "--wave", str(form_wave.pk), stderr=StringIO())
    assert raised.value.returncode == 1
    assert [answer_values(r) for r in Response.objects.filter(wave=form_wave)] == [{"service_requirements": "A queue."}]
    _, err = run(form_wave, bad, good, expect_error="could not be read")
    assert f"{bad} is not UTF-8 text." in err


def test_text_is_stored_exactly_as_written_apart_from_crlf(form_wave, tmp_path, rescores):
    written = "    indented first line  \nhard break above  \n\n  - a list\ttab"
    path = tmp_path / "spaces.md"
    path.write_bytes(("### Service requirements\r\n\r\n" + written.replace("\n", "\r\n") + "\r\n").encode())
    run(form_wave, path)
    assert answer_values(Response.objects.get(wave=form_wave)) == {"service_requirements": written}
