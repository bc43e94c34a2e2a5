"""Demo report data: a few events on the trend charts. Running it again creates nothing.

The digest and reminder schedules are defaults of their own (reports/schedules.py), present after every migrate.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from assessor.models import Organization, Team
from reports.models import Annotation

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
