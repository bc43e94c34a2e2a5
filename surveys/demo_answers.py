"""Realistic, seeded answers for the demo: per-team tendencies, a little disagreement, platform teams rating
themselves above what their consumers see, and unmet needs that take tickets and weeks. Pure: no database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assessor.capabilities import capability_keys
from assessor.datafiles import DataFileInvalid, problem, read_data_file
from assessor.scoring.frames import clamp_level
from surveys.instruments import ASPECTS, InstrumentSpec, QuestionSpec

DEMO_DATA = Path(__file__).resolve().parent / "data" / "demo.yaml"
SCHEMA_FILE = DEMO_DATA.parent / "demo.schema.json"


@dataclass(frozen=True)
class TeamProfile:
    slug: str
    kind: str
    base: dict[str, float]  # where the team sits on each aspect, as its members see it
    size: str
    needs: frozenset[str]
    provides: frozenset[str]
    reachable: frozenset[str]  # what the providers it consumes offer
    reach: tuple[str, ...] = ()  # how the capabilities it needs reach it (cap.<domain>.mechanism options)
    implementation: str = ""  # what its people write about how their services are set up, if anything


@lru_cache(maxsize=1)
def demo_data() -> dict[str, Any]:
    """The bundled demo data, read once."""
    return read_demo_data(DEMO_DATA)


def read_demo_data(path: Path) -> dict[str, Any]:
    """A demo data file, checked against demo.schema.json and for capability domains that exist."""
    data: dict[str, Any] = read_data_file(path, SCHEMA_FILE)
    domains = capability_keys()
    lists: list[tuple[tuple[str | int, ...], list[str]]] = [(("common_needs",), data.get("common_needs", []))]
    for slug, team in data["teams"].items():
        lists += [(("teams", slug, field), team[field]) for field in ("needs", "provides") if field in team]
    problems = [
        problem((*place, index), f"{value!r} is not a domain of assessor/data/capabilities.yaml")
        for place, values in lists
        for index, value in enumerate(values)
        if value not in domains
    ]
    if problems:
        raise DataFileInvalid(*problems, source=path)
    return data


def team_profiles(teams: list[tuple[str, str, list[str]]], *, seed: int) -> dict[str, TeamProfile]:
    """Profiles for (slug, kind, provider slugs) of each team; the same seed gives the same profiles."""
    data = demo_data()
    specs = data.get("teams", {})
    common = set(data.get("common_needs", []))
    provides = {slug: frozenset(specs.get(slug, {}).get("provides", [])) for slug, _, _ in teams}
    profiles = {}
    for slug, kind, provider_slugs in teams:
        rng = random.Random(f"{seed}:{slug}")  # noqa: S311 - demo data, not secrets
        low, high = {"application": (1.3, 2.7), "platform": (2.4, 3.4)}.get(kind, (1.8, 3.0))
        needs = set(specs.get(slug, {}).get("needs", [])) | common if kind == "application" else set()
        if needs and rng.random() < 0.4:
            needs.discard(rng.choice(sorted(common)))
        profiles[slug] = TeamProfile(
            slug=slug,
            kind=kind,
            base={aspect: rng.uniform(low, high) for aspect in ASPECTS},
            size=specs.get(slug, {}).get("size", "size_6_10"),
            needs=frozenset(needs),
            provides=provides[slug],
            reachable=frozenset().union(*(provides.get(p, frozenset()) for p in provider_slugs)),
            reach=tuple(specs.get(slug, {}).get("reach", ())),
            implementation=specs.get(slug, {}).get("implementation", ""),
        )
    return profiles


def _weighted(rng: random.Random, choices: dict[str, int]) -> str:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def _level_option(question: QuestionSpec, level: int) -> str:
    return next(option.value for option in question.options if option.level == level)


def _clamp_level(value: float) -> int:
    return clamp_level(round(value))


class _Respondent:
    def __init__(
        self, profile: TeamProfile, rng: random.Random, shift: float, texts: dict[str, list[str]], *, tidy: bool = False
    ) -> None:
        self.profile, self.rng, self.shift, self.texts = profile, rng, shift, texts
        self.tidy = tidy  # stray answers never name a way the team does not use (small waves: one answer can decide)
        self.lean = rng.gauss(0, 0.3)  # some people see everything a bit rosier than their colleagues
        # A few leave a whole aspect to others ("not applicable" throughout), and a few see it very differently.
        self.skipped = {aspect for aspect in ASPECTS if rng.random() < 0.06}
        self.outlier = {aspect: rng.choice((-1.6, 1.6)) for aspect in ASPECTS if rng.random() < 0.12}

    def level(self, aspect: str, offset: float = 0.0) -> int:
        base = self.profile.base[aspect] + self.outlier.get(aspect, 0.0)
        return _clamp_level(base + self.shift + self.lean + offset + self.rng.gauss(0, 0.45))

    def text(self, pool: str, chance: float) -> str | None:
        options = self.texts.get(pool) or []
        return self.rng.choice(options) if options and self.rng.random() < chance else None

    def _delivery_weights(self, domain: str) -> dict[str, int]:
        """How this team gets a capability. In tidy waves: self-service where capabilities reach it through a
        portal, partly automatic where they are injected, otherwise by ticket or shared tooling."""
        if domain not in self.profile.reachable:
            return {"ticket": 55, "not_available": 30, "standard_tooling": 15}
        if not self.tidy:
            return {"self_service": 35, "standard_tooling": 30, "automatic": 15, "ticket": 20}
        weights = {"standard_tooling": 30, "ticket": 20}
        if "portal" in self.profile.reach:
            weights["self_service"] = 60
        if "injected" in self.profile.reach:
            weights["automatic"] = 20
        if len(weights) == 2:
            weights.update(standard_tooling=45, ticket=55)
        return weights

    def _unused_ways(self, facet: str) -> set[str]:
        """Answers that would say the team uses a practice it does not: kept out of the stray answers when tidy."""
        if not self.tidy:
            return set()
        if facet == "delivery":
            shown_by = {"self_service": "portal", "automatic": "injected"}
            return {answer for answer, way in shown_by.items() if way not in self.profile.reach}
        if facet == "mechanism":
            return {"git", "kubernetes_api", "pipeline", "portal", "injected"} - set(self.profile.reach)
        return set()

    def capability(self, question: QuestionSpec, values: dict[str, Any]) -> str | None:
        domain, facet, rng = question.capability or "", question.facet, self.rng
        roll = rng.random()
        if roll < 0.08:
            return None  # skipped: the question is optional
        if roll < 0.18 and question.options and facet not in ("need", "provide"):
            stray = [option.value for option in question.options if option.value not in self._unused_ways(facet)]
            return rng.choice(stray)  # not what the team would say
        if facet == "need":
            if domain in self.profile.needs:
                return "need_yes" if rng.random() < 0.93 else "need_unsure"
            return "need_no" if rng.random() < 0.8 else "need_unsure"
        if facet == "delivery":
            return _weighted(rng, self._delivery_weights(domain))
        if facet == "mechanism":
            delivery = values.get(f"cap.{domain}.delivery")
            if delivery in ("self_service", "automatic") or (delivery == "standard_tooling" and self.profile.reach):
                ways = [way for way in self.profile.reach if way != "portal" or delivery == "self_service"]
                if delivery == "automatic" and "injected" in ways:
                    return "injected"
                if ways:
                    return rng.choice(ways)
            return "ticket" if delivery in ("ticket", "not_available") or rng.random() < 0.6 else "by_hand"
        if facet == "wait":
            delivery = values.get(f"cap.{domain}.delivery")
            waits = {
                "automatic": {"hours": 85, "days": 15},
                "self_service": {"hours": 70, "days": 30},
                "standard_tooling": {"hours": 30, "days": 60, "weeks": 10},
                "ticket": {"days": 25, "weeks": 60, "months": 15},
                "not_available": {"weeks": 50, "months": 50},
            }
            return _weighted(rng, waits.get(str(delivery), {"days": 50, "weeks": 50}))
        if facet == "provide":
            if domain in self.profile.provides:
                return "provide_yes" if rng.random() < 0.95 else "provide_planned"
            return "provide_no" if rng.random() < 0.85 else "provide_planned"
        if facet == "interface":
            if self.profile.kind == "platform":
                return _weighted(rng, {"self_service": 40, "standard_tooling": 30, "automatic": 15, "ticket": 15})
            return _weighted(rng, {"ticket": 35, "standard_tooling": 35, "self_service": 20, "automatic": 10})
        return None

    def answer(self, question: QuestionSpec, values: dict[str, Any], org_size: str) -> Any:
        rng = self.rng
        if question.is_maturity and question.aspect:
            if question.aspect in self.skipped or rng.random() < 0.05:
                return "na"
            offset = -0.35 if question.perspective == "consumers" else 0.0
            return _level_option(question, self.level(question.aspect, offset))
        if question.qtype == "target_level" and question.aspect:
            current = _clamp_level(self.profile.base[question.aspect] + self.shift)
            return clamp_level(current + (1 if rng.random() < 0.75 else 0))
        if question.capability:
            return self.capability(question, values)
        key = question.key
        if key == "about.team_size":
            return self.profile.size
        if key == "about.tenure":
            return _weighted(rng, {"months_0_6": 15, "months_6_12": 20, "years_1_3": 40, "years_3_plus": 25})
        if key == "coop.organization_size":
            return org_size if rng.random() < 0.8 else None
        if key == "feedback.satisfaction":
            mean = sum(self.profile.base.values()) / len(self.profile.base)
            return max(0, min(10, round(2.4 * (mean + self.shift) - 0.5 + self.lean * 2 + rng.gauss(0, 1.2))))
        pools = {
            "coop.service_requirements": ("service_requirements", 0.5),
            "coop.service_implementation": ("service_implementation", 0.3),
            "coop.pains": ("pains", 0.45),
            "coop.suggestions": ("suggestions", 0.35),
            "feedback.comment": ("comments", 0.15),
        }
        if key == "coop.service_implementation" and self.profile.implementation:
            drawn = self.text("service_implementation", 0.3)  # drawn as for every team: later answers stay the same
            return self.profile.implementation if drawn else None
        if key in pools:
            return self.text(*pools[key])
        return None


def respondent_answers(
    spec: InstrumentSpec,
    role: str,
    profile: TeamProfile,
    rng: random.Random,
    *,
    shift: float,
    org_size: str,
    sections: int | None = None,
    tidy: bool = False,
) -> dict[str, Any]:
    """One person's raw answers, following roles and routing; `sections` stops early (a draft). `tidy`: stray
    answers never name a delivery way the team does not use (for small waves, where one answer can decide)."""
    respondent = _Respondent(profile, rng, shift, demo_data().get("texts", {}), tidy=tidy)
    shown_sections = spec.sections_for(role)[:sections] if sections is not None else spec.sections_for(role)
    values: dict[str, Any] = {}
    for section in shown_sections:
        for question in section.questions:
            if not question.shown_to(role):
                continue
            condition = question.show_if
            if condition is not None and values.get(condition.question) not in condition.values:
                continue
            value = respondent.answer(question, values, org_size)
            if value is not None:
                values[question.key] = value
    return values
