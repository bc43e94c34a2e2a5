"""Shared set-up for the benchmark workloads: Django on a benchmark database, and the synthetic organization."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django for benchmarks: production-like (DEBUG off), data kept in var/bench unless DATABASE_URL is set."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    Path(os.environ["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def bench_teams() -> int:
    return int(os.environ.get("BENCH_TEAMS", "1000"))


def ensure_org(teams: int, *, waves: int = 8, respondents: int = 6, quiet: bool = False) -> Any:
    """Migrate, load the model and instrument, and (re)build the synthetic organization unless it already has this size."""
    from django.core.management import call_command

    from assessor.models import Organization
    from reports.synthetic import ORG_SLUG

    call_command("migrate", verbosity=0)
    call_command("load_model", verbosity=0)
    call_command("load_instrument", verbosity=0)
    organization = Organization.objects.filter(slug=ORG_SLUG).first()
    if organization is not None and organization.teams.count() == teams and organization.survey_waves.count() == waves:
        return organization
    started = time.monotonic()
    with open(os.devnull, "w") as devnull:
        call_command("generate_org", teams=teams, waves=waves, respondents=respondents, stdout=devnull if quiet else sys.stdout)
    print(f"generate_org --teams {teams} --waves {waves} --respondents {respondents}: {time.monotonic() - started:.1f} s")
    return Organization.objects.get(slug=ORG_SLUG)


def sample_team(organization: Any) -> Any:
    """The team whose page the benchmarks open: the first one in a group with collected evidence, so its page
    reads the same things (evidence, its signals, waivers) at every size of organization."""
    teams = organization.teams.exclude(group=None).order_by("pk")
    return teams.filter(evidence_evaluations__isnull=False).distinct().first() or teams.first()
