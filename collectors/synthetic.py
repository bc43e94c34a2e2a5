"""Evidence for the synthetic benchmark organization, written in bulk through this app's own models."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from assessor.models import Team
from assessor.scoring.frames import clamp_level
from collectors.models import Evaluation, Evidence

SYNTHETIC_RULES_VERSION = "synthetic"


def synthetic_evidence(*, teams: list[Team], tendencies: dict[int, dict[str, float]], rnd: random.Random, now: datetime) -> int:
    """Give about four in five teams one evaluation with two to five evidence items near their tendencies."""
    chosen = [team for team in teams if rnd.random() < 0.8]
    evaluations = Evaluation.objects.bulk_create(
        [Evaluation(team=team, rules_version=SYNTHETIC_RULES_VERSION, evaluated_at=now, signal_count=0) for team in chosen],
        batch_size=2000,
    )
    items = []
    for evaluation, team in zip(evaluations, chosen, strict=True):
        for aspect in rnd.sample(sorted(tendencies[team.pk]), k=rnd.randint(2, len(tendencies[team.pk]))):
            centre = round(tendencies[team.pk][aspect] + 0.8)
            supports = rnd.random() < 0.75
            level = clamp_level(centre if supports else centre + 1)
            items.append(
                Evidence(
                    evaluation=evaluation,
                    team=team,
                    aspect=aspect,
                    level=level if supports or level > 1 else 2,
                    direction="supports" if supports else "contradicts",
                    weight=1.0,
                    rule_key=f"synthetic.{aspect}.{'supports' if supports else 'contradicts'}",
                    rules_version=SYNTHETIC_RULES_VERSION,
                    explanation="Synthetic evidence for benchmarks.",
                    observed_at=now - timedelta(days=rnd.randint(0, 120)),
                )
            )
    Evidence.objects.bulk_create(items, batch_size=5000)
    return len(items)
