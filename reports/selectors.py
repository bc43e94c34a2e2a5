"""Reads the reports need, each a fixed number of queries whatever the number of teams or waves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Min, Q

from assessor.access import AnyUser, teams_visible_to
from assessor.models import Consumption, Organization, Team
from assessor.scoring.frames import ANSWER_COLUMNS
from assessor.scoring.rubric import load_rubric
from reports.frames import ANNOTATION_COLUMNS, HISTORY_COLUMNS, PARTICIPATION_COLUMNS, TEAM_COLUMNS, WAVE_COLUMNS
from reports.frames.cooperation import FREE_TEXT_KINDS
from reports.models import SNAPSHOT_COLUMNS, Annotation, ScoreSnapshot
from surveys.models import Answer, Invitation, Question, Response, Wave

SCORE_FIELDS = [column for column in SNAPSHOT_COLUMNS if column != "inputs_hash"]


def latest_scores(
    *,
    wave_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    rubric_version: str | None = None,
) -> pd.DataFrame:
    """The newest snapshot per wave, team and aspect under one rubric (the newest rubric by default). One query."""
    version = rubric_version or load_rubric().version
    snapshots = ScoreSnapshot.objects.filter(rubric_version=version)
    if wave_ids is not None:
        snapshots = snapshots.filter(wave_id__in=list(wave_ids))
    if team_ids is not None:
        snapshots = snapshots.filter(team_id__in=list(team_ids))
    frame = pd.DataFrame(list(snapshots.order_by("computed_at", "pk").values_list(*SCORE_FIELDS)), columns=SCORE_FIELDS)
    if frame.empty:
        return frame
    return frame.drop_duplicates(["wave_id", "team_id", "aspect"], keep="last").reset_index(drop=True)


@dataclass(frozen=True)
class Scope:
    """What one reader may see of one organization: its teams they can view, and whether that is all of them."""

    organization: Organization
    teams: pd.DataFrame  # TEAM_COLUMNS
    org_wide: bool

    @property
    def team_ids(self) -> list[int]:
        return [int(team_id) for team_id in self.teams["team_id"]]

    def team_filter(self) -> list[int] | None:
        """Team ids to filter on, or None when the reader sees the whole organization (no long IN list)."""
        return None if self.org_wide else self.team_ids


def teams_frame(teams: Iterable[Team] | object) -> pd.DataFrame:
    rows = teams.order_by("name", "pk").values_list("pk", "name", "slug", "kind", "group_id", "group__name")  # type: ignore[attr-defined]
    frame = pd.DataFrame(list(rows), columns=TEAM_COLUMNS)
    frame["group"] = frame["group"].fillna("")
    frame["group_id"] = frame["group_id"].astype("Int64")
    return frame


def scope_for(user: AnyUser, organization: Organization) -> Scope:
    teams = teams_frame(teams_visible_to(user, organization))
    total = Team.objects.filter(organization=organization).count()
    return Scope(organization=organization, teams=teams, org_wide=len(teams) == total)


def waves_frame(organization: Organization) -> pd.DataFrame:
    """The organization's waves, newest first."""
    rows = (
        Wave.objects.filter(organization=organization)
        .order_by("-opens_at", "-pk")
        .values_list("pk", "name", "opens_at", "closes_at")
    )
    return pd.DataFrame(list(rows), columns=WAVE_COLUMNS)


def participation_frame(*, wave_ids: list[int], team_ids: list[int] | None) -> pd.DataFrame:
    """Per wave and team: invited or not, live invitation links, submitted responses and drafts (three queries)."""
    invited = Wave.teams.through.objects.filter(wave_id__in=wave_ids)
    links = Invitation.objects.active().filter(wave_id__in=wave_ids)
    responses = Response.objects.filter(wave_id__in=wave_ids)
    if team_ids is not None:
        invited, links, responses = (
            invited.filter(team_id__in=team_ids),
            links.filter(team_id__in=team_ids),
            responses.filter(team_id__in=team_ids),
        )
    keys = ["wave_id", "team_id"]
    invited_frame = pd.DataFrame(list(invited.values_list("wave_id", "team_id")), columns=keys).assign(invited=True)
    link_frame = pd.DataFrame(
        list(links.order_by().values("wave_id", "team_id").annotate(n=Count("pk")).values_list("wave_id", "team_id", "n")),
        columns=[*keys, "invitations"],
    )
    response_frame = pd.DataFrame(
        list(
            responses.order_by()
            .values("wave_id", "team_id")
            .annotate(
                submitted=Count("pk", filter=Q(status=Response.Status.SUBMITTED)),
                drafts=Count("pk", filter=Q(status=Response.Status.DRAFT)),
            )
            .values_list("wave_id", "team_id", "submitted", "drafts")
        ),
        columns=[*keys, "submitted", "drafts"],
    )
    frame = invited_frame.merge(link_frame, on=keys, how="outer").merge(response_frame, on=keys, how="outer")
    frame["invited"] = frame["invited"].astype("boolean").fillna(False).astype(bool)
    for column in ("invitations", "submitted", "drafts"):
        frame[column] = frame[column].fillna(0).astype(int)
    return frame[PARTICIPATION_COLUMNS]


def links_frame(organization: Organization) -> pd.DataFrame:
    rows = Consumption.objects.filter(consumer__organization=organization).values_list("consumer_id", "provider_id")
    return pd.DataFrame(list(rows), columns=["consumer_id", "provider_id"])


def annotations_frame(organization: Organization) -> pd.DataFrame:
    rows = (
        Annotation.objects.filter(organization=organization)
        .order_by("date", "pk")
        .values_list("date", "label", "team_id", "group_id")
    )
    frame = pd.DataFrame(list(rows), columns=["date", "label", "team_id", "group_id"])
    frame["kind"] = "event"
    frame["date"] = pd.to_datetime(frame["date"])
    return frame[ANNOTATION_COLUMNS]


def rubric_firsts(organization: Organization) -> pd.DataFrame:
    """When each rubric version was first used for this organization's scores."""
    rows = (
        ScoreSnapshot.objects.filter(team__organization=organization)
        .order_by()
        .values("rubric_version")
        .annotate(first_computed_at=Min("computed_at"))
        .values_list("rubric_version", "first_computed_at")
    )
    return pd.DataFrame(list(rows), columns=["rubric_version", "first_computed_at"])


def score_history(*, organization: Organization, rubric_version: str) -> pd.DataFrame:
    """Every snapshot of the organization's teams under one rubric (not only the newest), for changes over time."""
    rows = ScoreSnapshot.objects.filter(team__organization=organization, rubric_version=rubric_version).values_list(
        *HISTORY_COLUMNS
    )
    return pd.DataFrame(list(rows), columns=HISTORY_COLUMNS)


def cooperation_answers(*, wave_id: int, team_ids: list[int] | None = None) -> pd.DataFrame:
    """The submitted answers the gap report reads, in `ANSWER_COLUMNS`. Four small queries.

    - Capability answers that count: needs and offers answered "yes", once per team and question (a second
      "yes" from the same team changes nothing), and delivery and wait answers repeated as often as given.
      They come counted by the database and stand for no single response (response_id -1).
    - Whole answers of the free-text cooperation questions and providers' guesses of their consumers' view,
      and the needs of the people who wrote free text (to group their text by capability).

    A wave of 1,000 teams holds about 180,000 answers; this reads a few thousand rows instead. The questions
    are looked up first so that the answer queries filter on question ids without joining the question table.
    """

    questions = pd.DataFrame(
        list(
            Question.objects.filter(
                Q(capability__isnull=False) | Q(key__in=list(FREE_TEXT_KINDS)) | Q(perspective="consumers")
            ).values_list("pk", "key", "qtype", "aspect", "perspective", "capability")
        ),
        columns=["question_id", "question_key", "qtype", "aspect", "perspective", "capability"],
    )
    part = questions["question_key"].str.rsplit(".", n=1).str[-1]
    capability = questions["capability"].notna()
    yes_ids = questions.loc[capability & part.isin(["need", "provide"]), "question_id"].tolist()
    counted_ids = questions.loc[capability & part.isin(["delivery", "wait"]), "question_id"].tolist()
    whole_ids = questions.loc[~capability, "question_id"].tolist()
    need_ids = questions.loc[capability & (part == "need"), "question_id"].tolist()

    answers = Answer.objects.filter(response__wave_id=wave_id, response__status=Response.Status.SUBMITTED).order_by()
    if team_ids is not None:
        answers = answers.filter(response__team_id__in=team_ids)
    counted = answers.filter(
        Q(question_id__in=yes_ids, value_text__in=["need_yes", "provide_yes"]) | Q(question_id__in=counted_ids)
    )
    grouped = pd.DataFrame(
        list(
            counted.values("response__team_id", "question_id", "value_text")
            .annotate(n=Count("pk"))
            .values_list("response__team_id", "question_id", "value_text", "n")
        ),
        columns=["team_id", "question_id", "value", "n"],
    )
    once = grouped["value"].isin(["need_yes", "provide_yes"])
    grouped = grouped.loc[grouped.index.repeat(grouped["n"].where(~once, 1))]
    capability_rows = grouped.assign(wave_id=wave_id, response_id=-1, role="", level=float("nan"))
    fields = ("response__wave_id", "response__team_id", "response_id", "response__role", "question_id", "value_text", "level")
    columns = ["wave_id", "team_id", "response_id", "role", "question_id", "value", "level"]
    whole = pd.DataFrame(list(answers.filter(question_id__in=whole_ids).values_list(*fields)), columns=columns)
    writers = sorted(
        set(whole.loc[whole["question_id"].isin(questions.loc[questions["qtype"] == "text", "question_id"]), "response_id"])
    )
    # [-1] keeps the query (and so the page's query count) the same when nobody wrote anything
    needs = answers.filter(response_id__in=writers or [-1], question_id__in=need_ids, value_text="need_yes")
    need_rows = pd.DataFrame(list(needs.values_list(*fields)), columns=columns)
    rows = pd.concat([frame for frame in (capability_rows, whole, need_rows) if not frame.empty] or [whole], ignore_index=True)
    frame = rows.merge(questions, on="question_id")[list(ANSWER_COLUMNS)]
    return frame.astype({"wave_id": "int64", "team_id": "int64", "response_id": "int64", "level": "float64"})


TREND_SCORE_FIELDS = ("wave_id", "team_id", "aspect", "score", "level", "respondents")
GAP_SCORE_FIELDS = (*TREND_SCORE_FIELDS, "target_level", "gap", "confidence_label")
HEAT_SCORE_FIELDS = (*GAP_SCORE_FIELDS, "spread", "status", "confidence", "disagreement", "unverified")


def score_columns(
    *, wave_ids: list[int], team_ids: list[int] | None, fields: tuple[str, ...], rubric_version: str | None = None
) -> pd.DataFrame:
    """The newest score per wave, team and aspect, as `latest_scores` picks it, with only some
    columns: reading every field of 40,000 snapshots (dates included) costs more than the rest of a page."""

    snapshots = ScoreSnapshot.objects.filter(rubric_version=rubric_version or load_rubric().version, wave_id__in=wave_ids)
    if team_ids is not None:
        snapshots = snapshots.filter(team_id__in=team_ids)
    rows = snapshots.order_by("computed_at", "pk").values_list(*fields)
    frame = pd.DataFrame(list(rows), columns=list(fields))
    return frame.drop_duplicates(["wave_id", "team_id", "aspect"], keep="last").reset_index(drop=True)
