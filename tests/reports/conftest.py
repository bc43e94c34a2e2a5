"""Fixtures for the reports tests: a small organization with two waves of answers and scores, and its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from assessor.models import Membership, Organization, Team
from surveys.models import Wave
from tests.reports.factories import NOW, Answers, build_org, load_instrument, make_wave, member, person, rescore, submit


@dataclass
class World:
    organization: Organization
    teams: list[Team]
    spring: Wave
    autumn: Wave
    admin: Any
    lead: Any  # team lead of teams[1]
    member: Any  # member of teams[2]
    outsider: Any  # signed in, in no organization

    @property
    def platform(self) -> Team:
        return self.teams[0]


def populate(organization: Organization, teams: list[Team]) -> tuple[Wave, Wave]:
    """Two waves: spring (closed) and autumn (open), every team answering both, scores computed."""
    instrument = load_instrument()
    spring = make_wave(
        organization,
        instrument,
        name="Spring",
        opens_at=NOW - timedelta(days=200),
        closes_at=NOW - timedelta(days=170),
        teams=teams,
    )
    autumn = make_wave(
        organization,
        instrument,
        name="Autumn",
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW + timedelta(days=20),
        teams=teams,
    )
    for wave, base in ((spring, 1), (autumn, 2)):
        pairs = []
        for index, team in enumerate(teams):
            if team.kind == "platform":
                pairs.append((team, Answers(level=base + 1, target=4, provides=("data", "observability"), consumer_view=base)))
            else:
                pairs.append(
                    (
                        team,
                        Answers(
                            level=base,
                            levels={"measurement": 1},
                            target=3,
                            needs=("data", "security"),
                            delivery="ticket" if index % 2 else "self_service",
                            pains=f"Waiting on databases ({team.name})",
                        ),
                    )
                )
        submit(wave, pairs, when=wave.opens_at + timedelta(days=2))
        rescore(now=wave.opens_at + timedelta(days=3), wave_ids=[wave.pk])
    return spring, autumn


@pytest.fixture
def world(db: None, loaded_model: Any) -> World:
    organization, teams = build_org(teams=6)
    spring, autumn = populate(organization, teams)
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    lead = person("lee")
    member(lead, organization, Membership.Role.TEAM_LEAD, teams[1])
    plain = person("max")
    member(plain, organization, Membership.Role.MEMBER, teams[2])
    return World(organization, teams, spring, autumn, admin, lead, plain, person("otto"))
