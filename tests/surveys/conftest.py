"""Fixtures for the surveys tests: the bundled instrument, open and closed waves, and invitation links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessor.models import Team
from surveys import conf
from surveys.instruments import read_instrument_file
from surveys.models import Instrument, Invitation, Wave
from surveys.services import instrument_load


@pytest.fixture
def instrument(db: None) -> Instrument:
    return instrument_load(spec=read_instrument_file(conf.default_instrument_file())).instrument


def make_wave(organization: Any, instrument: Instrument, *, name: str = "Now", days_open: int = 7, **extra: Any) -> Wave:
    now = timezone.now()
    wave = Wave.objects.create(
        organization=organization,
        instrument=instrument,
        name=name,
        opens_at=extra.pop("opens_at", now - timedelta(days=1)),
        closes_at=extra.pop("closes_at", now + timedelta(days=days_open)),
        **extra,
    )
    wave.teams.set(Team.objects.filter(organization=organization))
    return wave


@pytest.fixture
def wave(demo_org: Any, instrument: Instrument) -> Wave:
    return make_wave(demo_org, instrument, name="Autumn")


@pytest.fixture
def closed_wave(demo_org: Any, instrument: Instrument) -> Wave:
    now = timezone.now()
    return make_wave(demo_org, instrument, name="Spring", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30))


@pytest.fixture
def invite(wave: Wave) -> Callable[..., Invitation]:
    """A saved invitation: invite("checkout", "app_developer", wave=...)."""

    def make(team_slug: str = "checkout", role: str = "app_developer", *, on: Wave | None = None) -> Invitation:
        target = on or wave
        team = Team.objects.get(organization=target.organization, slug=team_slug)
        invitation = Invitation.issue(wave=target, team=team, role=role)
        invitation.save()
        return invitation

    return make


@pytest.fixture
def rescores(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every request_rescore call, recorded instead of queued."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("assessor.rescore.request_rescore", lambda **kwargs: calls.append(kwargs))
    return calls
