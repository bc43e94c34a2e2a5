"""Demo report data: a few events on the trend charts, and the first wave scored as it was first reported (under
the first rubric, when it closed), so the trends page shows a rubric change. Running it again creates nothing.

The digest and reminder schedules are defaults of their own (reports/schedules.py), present after every migrate.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from assessor.models import Organization, Team
from reports.models import Annotation, ScoreSnapshot
from reports.rescore import scores_recompute
from surveys.models import Wave

FIRST_RUBRIC = "1"  # the rubric the demo's first wave was reported under when it closed

# (days ago, label, team slug or "")
EVENTS = (
    (150, "Self-service portal launched", ""),
    (90, "Golden path templates for new services published", ""),
    (60, "Checkout moved to the shared delivery pipeline", "checkout"),
)


@transaction.atomic
def seed(organization: Organization, stdout: TextIO) -> None:
    today = timezone.localdate()
    teams = {team.slug: team for team in Team.objects.filter(organization=organization)}
    added = 0
    for days_ago, label, team_slug in EVENTS:
        team = teams.get(team_slug) if team_slug else None
        if team_slug and team is None:
            continue
        _, created = Annotation.objects.get_or_create(
            organization=organization, label=label, defaults={"date": today - timedelta(days=days_ago), "team": team}
        )
        added += created
    stdout.write(f"Reports: {added} trend annotations added.\n")
    _first_wave_as_reported(organization, stdout)


def _first_wave_as_reported(organization: Organization, stdout: TextIO) -> None:
    now = timezone.now()
    first = Wave.objects.filter(organization=organization).order_by("opens_at").first()
    if first is None or not first.has_closed(now):
        return
    if ScoreSnapshot.objects.filter(wave=first, rubric_version=FIRST_RUBRIC).exists():
        return
    result = scores_recompute(wave_ids=[first.pk], rubric_version=FIRST_RUBRIC, now=first.closes_at)
    stdout.write(
        f"Reports: {first.name} scored under rubric {FIRST_RUBRIC} as first reported ({result.written} snapshots); "
        "later scores use the current rubric.\n"
    )
