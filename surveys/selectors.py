"""Reads of the surveys app: the answers frame scoring consumes, and what the survey and staff pages show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessor.bulk import collector_paused, fetch_rows
from assessor.capabilities import read_capabilities
from assessor.datafiles import DataFileInvalid
from assessor.models import Aspect, Cell, Organization, Team
from assessor.scoring.agreement import Agreement, agreement
from assessor.scoring.claims import respondent_scores, team_claims
from assessor.scoring.frames import ANSWER_COLUMNS
from assessor.scoring.rubric import load_rubric
from surveys import conf, tokens
from surveys.instruments import ASPECTS, LEVEL_NAMES
from surveys.models import Answer, Invitation, Question, Response, Wave

# Repeated strings of the answers frame are categorical: a few distinct values over many rows.
_CATEGORICAL = ("role", "question_key", "qtype", "aspect", "perspective", "capability")
_QUESTION_FIELDS = ("id", "key", "qtype", "aspect", "perspective", "capability")


def answers_frame(
    *, wave_ids: Iterable[int] | None = None, team_ids: Iterable[int] | None = None, submitted_only: bool = True
) -> pd.DataFrame:
    """One row per stored answer, with the columns of `assessor.scoring.frames.ANSWER_COLUMNS`.

    A narrow read: the answers bring only their response and question ids, value and level; the responses and
    the (few) questions are read on their own and joined here by position, so no string is repeated per row by
    the database driver and every repeated string column is built as codes into its few distinct values.
    Three queries whatever the size."""
    responses = Response.objects.order_by()
    if submitted_only:
        responses = responses.filter(status=Response.Status.SUBMITTED)
    if wave_ids is not None:
        responses = responses.filter(wave_id__in=list(wave_ids))
    if team_ids is not None:
        responses = responses.filter(team_id__in=list(team_ids))
    answers = Answer.objects.order_by().filter(response__in=responses.values("id"))
    with collector_paused():
        answer_rows = fetch_rows(answers.values_list("response_id", "question_id", "value_text", "level"))
        if not answer_rows:
            return _typed(pd.DataFrame({column: [] for column in ANSWER_COLUMNS}))
        return _joined(answer_rows, responses)


def _joined(answer_rows: list[tuple[Any, ...]], responses: QuerySet[Response]) -> pd.DataFrame:
    """The answer rows with their response's wave, team and role and their question's fields, by position."""
    response_ids, question_ids, values, levels = zip(*answer_rows, strict=True)
    people = list(responses.values_list("id", "wave_id", "team_id", "role"))
    person_at = pd.Index([row[0] for row in people]).get_indexer(np.asarray(response_ids, dtype=np.int64))
    # An answer whose response changed status between the two reads has no row in `people`: leave it out.
    kept = person_at >= 0
    person_at = person_at[kept]
    question_at_ids = np.asarray(question_ids, dtype=np.int64)[kept]
    distinct_questions = np.unique(question_at_ids).tolist()
    question_rows = list(Question.objects.filter(id__in=distinct_questions).values_list(*_QUESTION_FIELDS))
    question_at = pd.Index([row[0] for row in question_rows]).get_indexer(question_at_ids)
    columns: dict[str, Any] = {
        "wave_id": np.asarray([row[1] for row in people], dtype=np.int64)[person_at],
        "team_id": np.asarray([row[2] for row in people], dtype=np.int64)[person_at],
        "response_id": np.asarray(response_ids, dtype=np.int64)[kept],
        "role": _categorical([row[3] for row in people], person_at),
    }
    for position, name in enumerate(("question_key", "qtype", "aspect", "perspective", "capability"), start=1):
        columns[name] = _categorical([row[position] for row in question_rows], question_at)
    columns["value"] = pd.Series(np.asarray(values, dtype=object)[kept], dtype=object)
    columns["level"] = np.asarray(levels, dtype=np.float64)[kept]
    return pd.DataFrame(columns)[list(ANSWER_COLUMNS)]


def _categorical(distinct_rows: list[Any], positions: np.ndarray) -> pd.Categorical:
    """A categorical column of `distinct_rows[position]` for each position: the few values factorized once
    (sorted, None as missing, as `astype("category")` would make them), then taken by position."""
    codes, categories = pd.factorize(pd.Series(distinct_rows, dtype=object), sort=True)
    return pd.Categorical.from_codes(codes[positions], categories=pd.Index(list(categories)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("wave_id", "team_id", "response_id"):
        frame[column] = frame[column].astype("int64")
    frame["level"] = frame["level"].astype("float64")
    frame["value"] = frame["value"].astype(object)
    for column in _CATEGORICAL:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None).astype("category")
    return frame


def invitation_for_token(token: str) -> Invitation | None:
    """The live invitation a link's token belongs to (None for unknown or revoked tokens)."""
    if not isinstance(token, str) or not tokens.looks_like_token(token):
        return None
    return (
        Invitation.objects.by_token(token)
        .active()
        .select_related("wave", "wave__instrument", "wave__organization", "team", "response", "membership__user")
        # the instrument's definition (tens of KB of JSON) is read only by the first request that parses it
        .defer("wave__instrument__definition")
        .first()
    )


def invitation_response(invitation: Invitation) -> Response | None:
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def answer_values(response: Response | None) -> dict[str, Any]:
    """question key -> stored value for a response (one query; empty when there is none yet)."""
    if response is None:
        return {}
    return dict(Answer.objects.filter(response=response).values_list("question__key", "value"))


def aspect_names(model_version: str) -> dict[str, str]:
    names = dict(Aspect.objects.filter(model_version__version=model_version).values_list("key", "name"))
    return {key: names.get(key, key.capitalize()) for key in ASPECTS}


def level_descriptions(model_version: str) -> dict[tuple[str, int], tuple[str, str]]:
    """(aspect, level) -> (cell label, summary) from the loaded maturity model, for target-level choices."""
    cells = Cell.objects.filter(aspect__model_version__version=model_version).values_list(
        "aspect__key", "level__number", "label", "summary"
    )
    return {(aspect, number): (label, summary) for aspect, number, label, summary in cells}


# --- the result page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AspectResult:
    aspect: str
    name: str
    own_score: float | None
    own_target: int | None
    team_score: float | None
    team_level: int | None
    respondents: int
    disagreement: bool
    withheld: bool  # the team has answers to this aspect, but fewer than the minimum
    spread: float | None = None  # never shown as a number (see team_result); only worded by `agreement`

    @property
    def team_level_name(self) -> str:
        return LEVEL_NAMES.get(self.team_level or 0, "")

    @property
    def agreement(self) -> Agreement:
        return agreement(respondents=self.respondents, spread=self.spread, disagreement=self.disagreement)


@dataclass(frozen=True)
class TeamResult:
    aspects: list[AspectResult]
    submitted: int
    minimum: int
    team_visible: bool
    more_needed: int


def result_minimum(wave: Wave) -> int:
    """Submitted responses a team needs before the result page shows its figures: SURVEYS_RESULT_MIN_RESPONDENTS
    in every wave, or an anonymous wave's own `min_responses` when that is larger."""
    minimum = conf.result_min_respondents()
    return max(minimum, wave.min_responses) if wave.anonymous else minimum


def team_result(*, wave: Wave, team: Team, response: Response) -> TeamResult:
    """The team's per-aspect scores so far beside the person's own.

    Team figures show only from `result_minimum(wave)` submitted responses, and each aspect's only from that
    many answers to it: with fewer, a person could take their own score out of the team's mean and read off
    a colleague's. The spread between the highest and lowest score is not given either: beside the mean it
    tells whoever holds an extreme score the others' exactly. The page only says whether it reaches a level.
    """
    minimum = result_minimum(wave)
    frame = answers_frame(wave_ids=[wave.pk], team_ids=[team.pk])
    submitted = Response.objects.filter(wave=wave, team=team, status=Response.Status.SUBMITTED).count()
    team_visible = submitted >= minimum
    rubric = load_rubric()  # the current rubric, as the dashboards show by default
    claims = (
        {
            row.aspect: row
            for row in team_claims(frame, levels_apart=rubric.disagreement_levels, banding=rubric.banding).itertuples()
        }
        if team_visible
        else {}
    )
    mine = respondent_scores(frame[frame["response_id"] == response.pk])
    own_scores = dict(zip(mine["aspect"], mine["score"], strict=True))
    targets = frame[(frame["response_id"] == response.pk) & (frame["qtype"] == "target_level")]
    own_targets = {
        aspect: int(level) for aspect, level in zip(targets["aspect"], targets["level"], strict=True) if pd.notna(level)
    }
    names = aspect_names(wave.instrument.model_version)
    aspects = []
    for aspect in ASPECTS:
        claim = claims.get(aspect)
        withheld = claim is not None and int(claim.respondents) < minimum
        shown = claim if claim is not None and not withheld else None
        aspects.append(
            AspectResult(
                aspect=aspect,
                name=names[aspect],
                own_score=float(own_scores[aspect]) if aspect in own_scores else None,
                own_target=own_targets.get(aspect),
                team_score=float(shown.score) if shown is not None else None,
                team_level=int(shown.level) if shown is not None else None,
                respondents=int(shown.respondents) if shown is not None else 0,
                disagreement=bool(shown.disagreement) if shown is not None else False,
                withheld=withheld,
                spread=float(shown.spread) if shown is not None and pd.notna(shown.spread) else None,
            )
        )
    return TeamResult(
        aspects=aspects,
        submitted=submitted,
        minimum=minimum,
        team_visible=team_visible,
        more_needed=max(0, minimum - submitted),
    )


# --- staff pages -----------------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], by: str) -> Coalesce:
    counted = queryset.filter(**{by: OuterRef("pk")}).order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_wave_counts(waves: QuerySet[Wave]) -> QuerySet[Wave]:
    """Each wave with invited teams, live links, started and submitted responses counted (subqueries, no extra query)."""
    live = Invitation.objects.filter(revoked_at__isnull=True)
    return waves.annotate(
        team_count=_count(Wave.teams.through.objects.all(), "wave"),
        link_count=_count(live, "wave"),
        started_count=_count(live.filter(response__isnull=False), "wave"),
        link_submitted_count=_count(live.filter(response__status=Response.Status.SUBMITTED), "wave"),
        submitted_count=_count(Response.objects.filter(status=Response.Status.SUBMITTED), "wave"),
        people_count=_count(live.filter(membership__isnull=False), "wave"),
    )


def waves_with_counts(organizations: QuerySet[Organization]) -> QuerySet[Wave]:
    waves = Wave.objects.filter(organization__in=organizations).select_related("organization", "instrument")
    return with_wave_counts(waves).order_by("-opens_at", "name")


def response_rate(submitted: int, links: int) -> int | None:
    return round(100 * submitted / links) if links else None


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: str  # not_started, draft, submitted, revoked
    last_activity: datetime | None


@dataclass(frozen=True)
class TeamInvitations:
    team: Team
    rows: list[InvitationRow]

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.status == "submitted")

    @property
    def live(self) -> int:
        return sum(1 for row in self.rows if row.status != "revoked")


def invitation_status(invitation: Invitation, response: Response | None) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if response is None:
        return "not_started"
    return response.status


def wave_invitations(wave: Wave) -> tuple[list[TeamInvitations], dict[str, int]]:
    """Every invited team with its links and their status, and totals per status (two queries)."""
    teams = list(wave.teams.order_by("name"))
    invitations = (
        Invitation.objects.filter(wave=wave)
        .select_related("team", "response", "membership__user")
        .order_by("team__name", "role", "pk")
    )
    by_team: dict[int, list[InvitationRow]] = {team.pk: [] for team in teams}
    extra: dict[int, Team] = {}
    totals = {"not_started": 0, "draft": 0, "submitted": 0, "revoked": 0, "people": 0}
    for invitation in invitations:
        response = invitation_response(invitation)
        status = invitation_status(invitation, response)
        totals[status] += 1
        totals["people"] += invitation.membership_id is not None
        if invitation.team_id not in by_team:
            extra[invitation.team_id] = invitation.team
            by_team[invitation.team_id] = []
        by_team[invitation.team_id].append(
            InvitationRow(invitation=invitation, status=status, last_activity=response.updated_at if response else None)
        )
    ordered = [*teams, *sorted(extra.values(), key=lambda t: t.name)]
    totals["live"] = totals["not_started"] + totals["draft"] + totals["submitted"]
    return [TeamInvitations(team=team, rows=by_team[team.pk]) for team in ordered], totals


def _capabilities(path: str) -> dict[str, tuple[str, str]]:
    try:
        domains = read_capabilities(Path(path))
    except DataFileInvalid:  # the table still works without names, as with no file at all
        return {}
    return {domain.key: (domain.name, domain.description) for domain in domains}


def capability_names() -> dict[str, tuple[str, str]]:
    """Capability domain key -> (name, description), from the capabilities data file."""
    path = conf.capabilities_file()
    return _capabilities(str(path)) if path else {}
