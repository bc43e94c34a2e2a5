"""Rubric 2 became the current rubric: mark every team that has scores for a rescore, so the pending-rescores
schedule scores it under the new rubric and the pages (which read the current rubric) are not left empty."""

from django.db import migrations
from django.utils import timezone


def mark_scored_teams(apps, schema_editor):
    ScoreSnapshot = apps.get_model("reports", "ScoreSnapshot")
    PendingRescore = apps.get_model("assessor", "PendingRescore")
    team_ids = set(ScoreSnapshot.objects.exclude(rubric_version="2").values_list("team_id", flat=True).distinct())
    team_ids -= set(PendingRescore.objects.filter(wave_id=0).values_list("team_id", flat=True))
    now = timezone.now()
    PendingRescore.objects.bulk_create(
        [PendingRescore(team_id=team_id, wave_id=0, requested_at=now) for team_id in sorted(team_ids)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_loaded_benchmark"),
        ("assessor", "0009_catalog_refs"),
    ]

    operations = [migrations.RunPython(mark_scored_teams, migrations.RunPython.noop)]
