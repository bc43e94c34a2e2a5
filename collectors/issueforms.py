"""Handing survey answers given through GitHub issue forms to the surveys app's importer.

Kept to one function so the wiring can follow the surveys app if its names change. The surveys app is
imported lazily: when it (or an open wave) is missing, the answers are skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assessor.models import Repository
from collectors.records import IssueRecord


@dataclass(frozen=True)
class SurveyImport:
    imported: bool
    note: str


def _open_wave(wave_model: Any, organization_id: int) -> Any:
    """The organization's open wave, preferring one whose questions come from an issue form."""
    waves = wave_model.objects.filter(organization_id=organization_id).open().order_by("-opens_at")
    return waves.filter(instrument__source="issue_form").first() or waves.first()


def survey_wave_open(organization_id: int) -> bool:
    """Whether survey issues could be imported for the organization now."""
    try:
        from surveys.models import Wave
    except ImportError:
        return False
    return _open_wave(Wave, organization_id) is not None


def survey_issues_import(*, repository: Repository, issues: Sequence[IssueRecord]) -> SurveyImport:
    """Import issue-form answers for the repository's team into the organization's open wave."""
    try:
        from surveys.issueforms import IssueForm
        from surveys.models import Wave
        from surveys.services import ImportRefused, issue_responses_import
    except ImportError:
        return SurveyImport(False, f"{len(issues)} survey issues not imported: the surveys app cannot import issue forms yet.")
    wave = _open_wave(Wave, repository.team.organization_id)
    if wave is None:
        return SurveyImport(False, f"{len(issues)} survey issues not imported: the organization has no open survey wave.")
    forms = [
        IssueForm(
            source_id=f"github:{repository.github_full_name}#{issue.number}",
            body=issue.body,
            title=issue.title,
            author=issue.author,
            url=issue.url,
            created_at=issue.created_at,
        )
        for issue in issues
    ]
    try:
        report = issue_responses_import(wave=wave, team=repository.team, issues=forms)
    except ImportRefused as exc:
        return SurveyImport(False, f"{len(issues)} survey issues not imported into {wave}: {exc}")
    reasons = "; ".join(f"{source_id}: {reason}" for source_id, reason in report.skipped[:3])
    return SurveyImport(
        True,
        f"Survey issues imported into {wave} for {repository.team}: {report.summary()}." + (f" {reasons}" if reasons else ""),
    )
