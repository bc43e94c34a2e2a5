"""Importing issue bodies into a wave: the service and the two commands, idempotent by source id."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessor.models import Team
from surveys.issueforms import IssueForm
from surveys.models import Instrument, Response
from surveys.selectors import answer_values, answers_frame
from surveys.services import ImportRefused, issue_responses_import
from tests.surveys.conftest import make_wave

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "issue_forms"
SHIPPED = Path(__file__).resolve().parents[2] / "surveys" / "data" / "issue_forms" / "infrastructure.yaml"


@pytest.fixture
def form_wave(demo_org):
    call_command("import_issue_form", str(SHIPPED))
    return make_wave(demo_org, Instrument.objects.get(key="infrastructure-for-apps-use-case"), name="Issue forms")


def issue(name: str, source: str | None = None) -> IssueForm:
    return IssueForm(source_id=source or name, body=(FIXTURES / name).read_text(), author="someone")


def test_import_issue_form_loads_an_instrument_once(capsys):
    call_command("import_issue_form", str(SHIPPED))
    call_command("import_issue_form", str(SHIPPED))
    instrument = Instrument.objects.get()
    assert (instrument.key, instrument.version, instrument.source) == ("infrastructure-for-apps-use-case", 1, "issue_form")
    assert instrument.questions.count() == 6
    assert "already loaded, unchanged" in capsys.readouterr().out


def test_import_issue_form_takes_a_key_and_version(tmp_path):
    call_command("import_issue_form", str(FIXTURES / "tooling-form.yml"), "--key", "tooling", "--version", "2")
    assert Instrument.objects.get().key == "tooling" and Instrument.objects.get().version == 2


def test_a_broken_template_file_is_a_command_error(tmp_path):
    path = tmp_path / "form.yml"
    path.write_text("name: Broken\nbody:\n  - type: mystery\n")
    with pytest.raises(CommandError, match="unknown type 'mystery'"):
        call_command("import_issue_form", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_issue_form", str(tmp_path / "missing.yml"))


def test_issues_import_as_submitted_responses_and_a_second_run_changes_nothing(form_wave, rescores):
    team = Team.objects.get(slug="checkout")
    issues = [issue("infrastructure-gitops-team.md"), issue("infrastructure-short.md"), issue("infrastructure-no-response.md")]
    report = issue_responses_import(wave=form_wave, team=team, issues=issues)
    assert sorted(report.created) == sorted(i.source_id for i in issues) and not report.skipped
    assert Response.objects.filter(status="submitted", source="issue").count() == 3
    again = issue_responses_import(wave=form_wave, team=team, issues=issues)
    assert (again.created, again.updated, sorted(again.unchanged)) == ([], [], sorted(i.source_id for i in issues))
    assert Response.objects.count() == 3
    assert len(rescores) == 3
    frame = answers_frame(wave_ids=[form_wave.pk]).set_index(["response_id", "question_key"])
    gitops = Response.objects.get(external_id="infrastructure-gitops-team.md")
    assert frame.loc[(gitops.pk, "organization-size"), "value"] == "501-2000"
    assert "```yaml" in frame.loc[(gitops.pk, "service_requirements"), "value"]


def test_an_edited_issue_updates_its_response(form_wave, rescores):
    team = Team.objects.get(slug="checkout")
    issue_responses_import(wave=form_wave, team=team, issues=[issue("infrastructure-short.md", "gh#1")])
    edited = IssueForm(source_id="gh#1", body="### Service requirements\n\nJust a queue now.\n")
    report = issue_responses_import(wave=form_wave, team=team, issues=[edited])
    assert report.updated == ["gh#1"]
    assert answer_values(Response.objects.get()) == {"service_requirements": "Just a queue now."}


def test_unusable_issues_are_skipped_with_reasons(form_wave):
    team = Team.objects.get(slug="checkout")
    issues = [
        issue("not-from-the-form.md"),
        IssueForm(source_id="only-pains", body="### Pains\n\nEverything.\n"),
        IssueForm(source_id="", body="### Service requirements\n\nx"),
        IssueForm(source_id="empty", body="   "),
        IssueForm(source_id="huge", body="### Service requirements\n\n" + "x" * 300_000),
        issue("infrastructure-short.md", "dup"),
        issue("infrastructure-short.md", "dup"),
    ]
    report = issue_responses_import(wave=form_wave, team=team, issues=issues)
    reasons = dict(report.skipped)
    assert "No section of the form" in reasons["not-from-the-form.md"]
    assert "Required section(s) missing or empty: Service requirements" in reasons["only-pains"]
    assert "no source id" in reasons[""]
    assert "empty" in reasons["empty"] and "larger than" in reasons["huge"]
    assert "twice" in reasons["dup"] and report.created == ["dup"]


def test_an_unknown_option_imports_the_rest_with_a_warning(form_wave):
    team = Team.objects.get(slug="checkout")
    report = issue_responses_import(wave=form_wave, team=team, issues=[issue("infrastructure-unknown-size.md")])
    assert report.created == ["infrastructure-unknown-size.md"]
    assert "not an option" in report.warnings[0][1]
    assert answer_values(Response.objects.get()) == {"service_requirements": "A message broker."}


def test_a_source_already_imported_for_another_team_is_skipped(form_wave):
    checkout, catalog = Team.objects.get(slug="checkout"), Team.objects.get(slug="catalog")
    issue_responses_import(wave=form_wave, team=checkout, issues=[issue("infrastructure-short.md", "gh#7")])
    report = issue_responses_import(wave=form_wave, team=catalog, issues=[issue("infrastructure-short.md", "gh#7")])
    assert "another team" in report.skipped[0][1]


def test_a_team_of_another_organization_is_refused(form_wave):
    from assessor.models import Organization

    other = Organization.objects.create(name="Other", slug="other")
    stranger = Team.objects.create(organization=other, name="Stranger", slug="stranger", kind="application")
    with pytest.raises(ImportRefused):
        issue_responses_import(wave=form_wave, team=stranger, issues=[])


def test_anonymous_waves_keep_no_author_and_dates_come_from_the_issue(form_wave):
    form_wave.anonymous = True
    form_wave.save(update_fields=["anonymous"])
    created = datetime(2026, 10, 2, 9, 15, tzinfo=UTC)
    body = (FIXTURES / "infrastructure-short.md").read_text()
    forms = [IssueForm(source_id="gh#9", body=body, author="octo", url="https://github.com/x/y/issues/9", created_at=created)]
    issue_responses_import(wave=form_wave, team=Team.objects.get(slug="checkout"), issues=forms)
    response = Response.objects.get()
    assert (response.external_author, response.submitted_at, response.external_url) == (
        "",
        created,
        "https://github.com/x/y/issues/9",
    )


def test_the_command_imports_markdown_and_github_json_and_is_idempotent(form_wave, capsys, rescores):
    files = [str(FIXTURES / name) for name in ("infrastructure-gitops-team.md", "infrastructure-short.md", "github-issues.json")]
    args = ["--instrument", "infrastructure-for-apps-use-case", "--wave", str(form_wave.pk), "--team", "checkout"]
    call_command("import_issue_responses", *files, *args)
    captured = capsys.readouterr()
    assert "3 created, 0 updated, 0 unchanged, 1 skipped" in captured.out
    assert "Skipped github:example/tag-app-delivery#202: Required section" in captured.err
    call_command("import_issue_responses", *files, *args)
    assert "0 created, 0 updated, 3 unchanged, 1 skipped" in capsys.readouterr().out
    from_github = Response.objects.get(external_id="github:example/tag-app-delivery#201")
    assert from_github.external_author == "octo-dev" and from_github.submitted_at == datetime(2026, 10, 2, 9, 15, tzinfo=UTC)


def test_the_command_checks_its_arguments(form_wave):
    base = [str(FIXTURES / "infrastructure-short.md")]
    with pytest.raises(CommandError, match="uses instrument infrastructure-for-apps-use-case version 1, not other"):
        call_command("import_issue_responses", *base, "--instrument", "other", "--wave", str(form_wave.pk), "--team", "checkout")
    with pytest.raises(CommandError, match="No team 'nobody'"):
        call_command(
            "import_issue_responses",
            *base,
            "--instrument",
            "infrastructure-for-apps-use-case",
            "--wave",
            str(form_wave.pk),
            "--team",
            "nobody",
        )
    with pytest.raises(CommandError, match="No wave with id 999"):
        call_command("import_issue_responses", *base, "--instrument", "x", "--wave", "999", "--team", "checkout")
