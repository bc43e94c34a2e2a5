"""A synthetic organization at scale, for benchmarks: teams, links, waves, submitted answers and evidence.

Answers follow per-team tendencies per aspect that drift upward across waves, with noise between
respondents and now and then a split team; platform teams rate themselves above what their consumers see.
Everything is inserted in bulk and is deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessor.models import Consumption, Organization, Team, TeamGroup
from assessor.scoring.frames import ASPECTS, clamp_level
from collectors.synthetic import synthetic_evidence
from reports.models import ScoreSnapshot
from surveys.models import Answer, Instrument, Question, Response, Wave

ORG_SLUG = "synthetic"
BATCH = 5000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class GeneratedOrg:
    organization: Organization
    teams: int
    waves: int
    responses: int
    answers: int
    evidence: int


def _kinds(count: int, rnd: random.Random) -> list[str]:
    kinds = ["application"] * count
    providers = max(2, count // 5)
    for index in rnd.sample(range(count), providers):
        kinds[index] = "platform" if rnd.random() < 0.65 else "infrastructure"
    return kinds


def _create_teams(organization: Organization, count: int, rnd: random.Random) -> list[Team]:
    groups = TeamGroup.objects.bulk_create(
        [TeamGroup(organization=organization, name=f"Group {n + 1}", slug=f"group-{n + 1}") for n in range(max(1, count // 25))]
    )
    kinds = _kinds(count, rnd)
    Team.objects.bulk_create(
        [
            Team(
                organization=organization,
                group=groups[index % len(groups)],
                name=f"{kind.title()} team {index + 1}",
                slug=f"team-{index + 1}",
                kind=kind,
            )
            for index, kind in enumerate(kinds)
        ],
        batch_size=BATCH,
    )
    teams = list(Team.objects.filter(organization=organization).order_by("pk"))
    providers = [team for team in teams if team.kind != "application"]
    links = []
    for team in teams:
        if team.kind == "application":
            for provider in rnd.sample(providers, k=min(len(providers), rnd.randint(1, 3))):
                links.append(Consumption(consumer=team, provider=provider))
    Consumption.objects.bulk_create(links, batch_size=BATCH)
    return teams


def _role(kind: str) -> str:
    return {"platform": "platform_engineer", "infrastructure": "infra_engineer"}.get(kind, "app_developer")


def _question_plan(instrument: Any) -> dict[str, list[Any]]:
    """The questions a synthetic respondent answers, by kind of team: about 30 each."""

    questions = list(Question.objects.filter(instrument=instrument).order_by("position"))
    maturity = [q for q in questions if q.qtype == "single_choice" and q.aspect and q.perspective == "self"]
    targets = [q for q in questions if q.qtype == "target_level"]
    needs = [q for q in questions if q.key.startswith("cap.") and q.key.endswith(".need")][:5]
    provides = [q for q in questions if q.key.startswith("cap.") and q.key.endswith(".provide")][:5]
    return {"maturity": maturity, "targets": targets, "application": needs, "provider": provides}


def _level_value(question: object, level: int) -> str:
    for option in question.options:  # type: ignore[attr-defined]
        if option.get("level") == level:
            return str(option["value"])
    raise ValueError(f"Question {question} has no option for level {level}.")  # pragma: no cover


@transaction.atomic
def generate_org(
    *, teams: int, waves: int, respondents: int, seed: int = 1, now: datetime | None = None, progress: Progress = print
) -> GeneratedOrg:
    """Create the synthetic organization, replacing any earlier one."""

    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not security
    now = now or timezone.now()
    old = Organization.objects.filter(slug=ORG_SLUG).first()
    if old is not None:
        progress("Removing the earlier synthetic organization ...")
        ScoreSnapshot.objects.filter(team__organization=old).delete()
        Answer.objects.filter(response__wave__organization=old).delete()
        Response.objects.filter(wave__organization=old).delete()
        old.delete()
    organization = Organization.objects.create(name="Synthetic organization", slug=ORG_SLUG, size=Organization.Size.S2000_PLUS)
    instrument = Instrument.objects.order_by("-version").first()
    if instrument is None:
        raise RuntimeError("Load an instrument first (manage.py load_instrument).")
    plan = _question_plan(instrument)

    team_rows = _create_teams(organization, teams, rnd)
    progress(f"{len(team_rows)} teams in {max(1, teams // 25)} groups.")
    wave_rows = []
    for index in range(waves):
        opens = now - timedelta(days=91 * (waves - index))
        wave_rows.append(
            Wave(
                organization=organization,
                instrument=instrument,
                name=f"Wave {index + 1}",
                opens_at=opens,
                closes_at=opens + timedelta(days=21),
            )
        )
    wave_rows = Wave.objects.bulk_create(wave_rows)
    through = Wave.teams.through
    through.objects.bulk_create(
        [through(wave_id=wave.pk, team_id=team.pk) for wave in wave_rows for team in team_rows], batch_size=BATCH
    )

    tendencies = {
        team.pk: {aspect: rnd.uniform(1.0, 3.4) + (0.5 if team.kind != "application" else 0) for aspect in ASPECTS}
        for team in team_rows
    }
    total_responses = total_answers = 0
    for wave_index, wave in enumerate(wave_rows):
        submitted = wave.closes_at - timedelta(days=2)
        responses = [
            Response(
                wave=wave,
                team=team,
                role=_role(team.kind),
                status="submitted",
                version=1,
                updated_at=submitted,
                submitted_at=submitted,
            )
            for team in team_rows
            for _ in range(respondents)
        ]
        responses = Response.objects.bulk_create(responses, batch_size=BATCH)
        answers = []
        for response in responses:
            team = response.team
            split = rnd.random() < 0.08
            for question in plan["maturity"]:
                centre = tendencies[team.pk][question.aspect] + 0.12 * wave_index
                level = clamp_level(round(rnd.gauss(centre, 0.9 if split else 0.45)))
                value = _level_value(question, level)
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        value=value,
                        value_text=value,
                        level=float(level),
                        updated_at=submitted,
                    )
                )
            for question in plan["targets"]:
                target = clamp_level(round(tendencies[team.pk][question.aspect] + 0.12 * wave_index + rnd.choice([0, 1, 1])))
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        value=target,
                        value_text=str(target),
                        level=float(target),
                        updated_at=submitted,
                    )
                )
            extra = plan["application"] if team.kind == "application" else plan["provider"]
            for question in extra:
                value = question.options[0]["value"] if rnd.random() < 0.6 else question.options[1]["value"]
                answers.append(
                    Answer(response=response, question=question, value=value, value_text=value, level=None, updated_at=submitted)
                )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        total_responses += len(responses)
        total_answers += len(answers)
        progress(f"Wave {wave_index + 1}/{waves}: {len(responses)} responses, {len(answers)} answers.")

    evidence = _create_evidence(team_rows, tendencies, rnd, now)
    progress(f"{evidence} evidence items.")
    return GeneratedOrg(organization, len(team_rows), len(wave_rows), total_responses, total_answers, evidence)


def _create_evidence(team_rows: list[Team], tendencies: dict[int, dict[str, float]], rnd: random.Random, now: datetime) -> int:
    """Evidence for most teams, through the collectors' own model."""
    return synthetic_evidence(teams=team_rows, tendencies=tendencies, rnd=rnd, now=now)
