"""The one read path for everything derived from answers and evidence.

Every dashboard, CSV download, the wave report, the digests, the exports and the reports' API read scores,
answers, free text and evidence here, through a `Scope`: the organization, the teams the reader may see,
and whether that is all of them. Two rules are applied here once, so that they hold on every surface:

- visibility: rows of teams outside the scope are never read (`Scope.team_filter`);
- anonymous waves: a team's scores in an anonymous wave appear only when the score pools at least the
  wave's `min_responses` respondents, and its answers (free text included) only when that many of its
  people submitted; below that they are withheld, as if never given.

Each read is a fixed number of queries whatever the number of teams or waves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import pandas as pd
from django.db.models import Count, DateTimeField, F, IntegerField, Max, Min, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from assessor.access import AnyUser, visibility
from assessor.models import Consumption, Organization, Team
from assessor.scoring.frames import ANSWER_COLUMNS
from assessor.scoring.rubric import load_rubric
from collectors.models import Evaluation, Signal, Waiver
from collectors.selectors import (
    current_signals_frame,
    evidence_frame,
    evidence_history_frames,
    evidenced_capabilities_frame,
    rules_frame,
    signal_history_frame,
    waivers_for_team,
)
from reports import conf
from reports.emails import invite_period_key
from reports.frames import ANNOTATION_COLUMNS, HISTORY_COLUMNS, PARTICIPATION_COLUMNS, TEAM_COLUMNS, WAVE_COLUMNS
from reports.frames.cooperation import FREE_TEXT_KINDS
from reports.models import SNAPSHOT_COLUMNS, Annotation, EmailKind, FreeTextTag, ScoreSnapshot, SentEmail
from surveys.issueforms import identity_from_url
from surveys.models import Answer, Invitation, Question, Response, Wave
from surveys.selectors import answers_frame, invitation_response, invitation_status

# the cooperation questions, and the fields of the working group's issue form (an instrument built from it)
ISSUE_FORM_TEXT_KEYS = ("service_requirements", "service_implementation", "pains", "suggestions")
TAGGED_QUESTION_KEYS = (*FREE_TEXT_KINDS, "coop.service_implementation", *ISSUE_FORM_TEXT_KEYS)
SCORE_FIELDS = [column for column in SNAPSHOT_COLUMNS if column not in ("inputs_hash", "revision")]


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
    """What `user` may see of `organization`, as `assessor.access.visibility` decides it. Two queries."""
    teams, org_wide = visibility(user, organization)
    return Scope(organization=organization, teams=teams_frame(teams), org_wide=org_wide)


def whole_organization(scope: Scope) -> Scope:
    """The scope itself when it covers the organization, else the organization's scope (see below)."""
    return scope if scope.org_wide else organization_scope(scope.organization)


def organization_scope(organization: Organization) -> Scope:
    """Every team of the organization: for work done on the organization's behalf (digest data, exports),
    which narrows to each reader's teams afterwards. The anonymity rules still apply."""
    return Scope(organization=organization, teams=teams_frame(Team.objects.filter(organization=organization)), org_wide=True)


def waves_frame(organization: Organization) -> pd.DataFrame:
    """The organization's waves, newest first, with their anonymity settings."""
    rows = (
        Wave.objects.filter(organization=organization)
        .order_by("-opens_at", "-pk")
        .values_list("pk", "name", "opens_at", "closes_at", "anonymous", "min_responses")
    )
    return pd.DataFrame(list(rows), columns=WAVE_COLUMNS)


# Read beside every score, so the rule costs no query of its own.
ANONYMITY_FIELDS = ("respondents", "wave__anonymous", "wave__min_responses")


def withhold_small_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores of anonymous waves that pool fewer respondents than the wave's minimum are dropped
    (`scores` carries ANONYMITY_FIELDS)."""
    if scores.empty:
        return scores
    small = scores["wave__anonymous"].astype(bool) & (scores["respondents"] < scores["wave__min_responses"])
    return scores[~small].reset_index(drop=True)


def withheld_teams(*, organization_ids: Iterable[int] | None, wave_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """(wave_id, team_id) pairs of anonymous waves where fewer people submitted than the wave's minimum:
    their answers are withheld everywhere. `organization_ids=None` means every organization. One query."""
    responses = Response.objects.filter(wave__anonymous=True)  # drafts too: a team below the minimum shows nothing
    if organization_ids is not None:
        responses = responses.filter(wave__organization_id__in=list(organization_ids))
    if wave_ids is not None:
        responses = responses.filter(wave_id__in=list(wave_ids))
    rows = (
        responses.order_by()
        .values("wave_id", "team_id", "wave__min_responses")
        .annotate(submitted=Count("pk", filter=Q(status=Response.Status.SUBMITTED)))
        .filter(submitted__lt=F("wave__min_responses"))
        .values_list("wave_id", "team_id")
    )
    return pd.DataFrame(list(rows), columns=["wave_id", "team_id"])


def _withheld_teams(organization: Organization, wave_ids: Iterable[int]) -> pd.DataFrame:
    return withheld_teams(organization_ids=[organization.pk], wave_ids=wave_ids)


def withhold_small_answers(answers: pd.DataFrame, withheld: pd.DataFrame) -> pd.DataFrame:
    """Answers of (wave, team) pairs below an anonymous wave's minimum are dropped."""
    if answers.empty or withheld.empty:
        return answers
    marked = answers.merge(withheld.assign(_withheld=True), on=["wave_id", "team_id"], how="left")
    return answers[marked["_withheld"].isna().to_numpy()].reset_index(drop=True)


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


def wave_rubrics(organization: Organization) -> pd.DataFrame:
    """Per wave and rubric version, when this organization's scores were first computed under it. A wave's
    earliest row is the rubric it was first reported with. Rubric versions and times only, no scores."""
    rows = (
        ScoreSnapshot.objects.filter(team__organization=organization)
        .order_by()
        .values("wave_id", "rubric_version")
        .annotate(first_computed_at=Min("computed_at"))
        .values_list("wave_id", "rubric_version", "first_computed_at")
    )
    return pd.DataFrame(list(rows), columns=["wave_id", "rubric_version", "first_computed_at"])


def score_history(scope: Scope, *, rubric_version: str | None = None) -> pd.DataFrame:
    """Every snapshot of the scope's teams under one rubric (not only the newest), for changes over time."""
    snapshots = ScoreSnapshot.objects.filter(
        team__organization=scope.organization, rubric_version=rubric_version or load_rubric().version
    )
    if not scope.org_wide:
        snapshots = snapshots.filter(team_id__in=scope.team_ids)
    fields = [*dict.fromkeys([*HISTORY_COLUMNS, *ANONYMITY_FIELDS])]
    frame = pd.DataFrame(list(snapshots.values_list(*fields)), columns=fields)
    return withhold_small_scores(frame)[HISTORY_COLUMNS]


def visible_perception(perception: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Perception rows the reader may see. The consumers' side pools other teams' answers, so a reader who does
    not see the whole organization gets a row only when it pools at least k respondents (the export's minimum)
    from at least two consumer teams; otherwise one consumer team's score could be read off it."""
    if scope.org_wide or perception.empty:
        return perception
    pooled = (perception["consumer_respondents"] >= conf.export_min_group()) & (perception["consumer_teams"] >= 2)
    return perception[pooled].reset_index(drop=True)


def team_snapshots(scope: Scope, team_id: int) -> QuerySet[ScoreSnapshot]:
    """Every stored snapshot of one team the scope may see (all rubrics), anonymity applied in the query."""
    if team_id not in set(scope.team_ids):
        return ScoreSnapshot.objects.none()
    return ScoreSnapshot.objects.filter(team_id=team_id, wave__organization=scope.organization).exclude(
        wave__anonymous=True, respondents__lt=F("wave__min_responses")
    )


def cooperation_answers(scope: Scope, *, wave_id: int, team_ids: list[int] | None = None) -> pd.DataFrame:
    """The submitted answers the gap report reads, in `ANSWER_COLUMNS`. Four small queries.

    - Capability answers that count: needs and offers answered "yes", once per team and question (a second
      "yes" from the same team changes nothing), and delivery, wait, interface and mechanism ("How does it
      reach you?") answers repeated as often as given (the practices report reads how teams get capabilities).
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
    counted_ids = questions.loc[capability & part.isin(["delivery", "wait", "interface", "mechanism"]), "question_id"].tolist()
    whole_ids = questions.loc[~capability, "question_id"].tolist()
    need_ids = questions.loc[capability & (part == "need"), "question_id"].tolist()

    answers = Answer.objects.filter(
        response__wave_id=wave_id, response__wave__organization=scope.organization, response__status=Response.Status.SUBMITTED
    ).order_by()
    wanted = team_ids if team_ids is not None else scope.team_filter()
    if wanted is not None:
        answers = answers.filter(response__team_id__in=wanted)
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
    frame = frame.astype({"wave_id": "int64", "team_id": "int64", "response_id": "int64", "level": "float64"})
    return withhold_small_answers(frame, _withheld_teams(scope.organization, [wave_id]))


TREND_SCORE_FIELDS = ("wave_id", "team_id", "aspect", "score", "level", "respondents")
GAP_SCORE_FIELDS = (*TREND_SCORE_FIELDS, "target_level", "gap", "confidence_label")
HEAT_SCORE_FIELDS = (*GAP_SCORE_FIELDS, "spread", "status", "confidence", "disagreement", "unverified")


def latest_scores(
    scope: Scope,
    *,
    wave_ids: Iterable[int] | None = None,
    fields: Iterable[str] = SCORE_FIELDS,
    team_ids: Iterable[int] | None = None,
    rubric_version: str | None = None,
) -> pd.DataFrame:
    """The newest score per wave, team and aspect of the scope's teams, under one rubric (the current one by
    default), with only the columns asked for: reading every field of 40,000 snapshots (dates included) costs
    more than the rest of a page. `team_ids` narrows the scope further. One query."""
    wanted = list(fields)
    read = [*dict.fromkeys(["wave_id", "team_id", "aspect", *ANONYMITY_FIELDS, *wanted])]
    snapshots = ScoreSnapshot.objects.filter(
        rubric_version=rubric_version or load_rubric().version, team__organization=scope.organization
    )
    if wave_ids is not None:
        snapshots = snapshots.filter(wave_id__in=list(wave_ids))
    teams = scope.team_filter()
    if team_ids is not None:
        allowed = set(scope.team_ids)
        teams = [int(team) for team in team_ids if int(team) in allowed]
    if teams is not None:
        snapshots = snapshots.filter(team_id__in=teams)
    snapshots = snapshots.newest()  # after many rounds of rescoring, not every revision to keep the last
    frame = pd.DataFrame(list(snapshots.order_by("computed_at", "pk").values_list(*read)), columns=read)
    frame = frame.drop_duplicates(["wave_id", "team_id", "aspect"], keep="last").reset_index(drop=True)
    return withhold_small_scores(frame)[wanted]


def wave_answers(scope: Scope, *, wave_id: int) -> pd.DataFrame:
    """Every submitted answer of one wave from the scope's teams (`ANSWER_COLUMNS`), anonymity applied."""
    answers = answers_frame(wave_ids=[wave_id], team_ids=scope.team_filter())
    return withhold_small_answers(answers, _withheld_teams(scope.organization, [wave_id]))


WAVE_CHUNK_TEAMS = 500  # teams per chunk of `wave_answer_chunks`: about 90,000 answers (40 MB) at six respondents a team


def wave_answer_chunks(
    scope: Scope, *, wave_id: int, first: Iterable[int] = (), chunk_teams: int = WAVE_CHUNK_TEAMS
) -> Iterator[pd.DataFrame]:
    """`wave_answers` in team-aligned chunks: each chunk holds every submitted answer of up to `chunk_teams` of
    the scope's teams (a team is never split over two), so a reader can count team by team and keep only what
    it counted. The teams of `first` come first, in that order, then the others by id. The anonymous-wave
    rule as in `wave_answers`: a withheld team has no rows. One query, then three per chunk (one for a chunk
    of teams that gave no answer)."""
    withheld = _withheld_teams(scope.organization, [wave_id])
    hidden = {int(team) for team in withheld["team_id"]}
    teams = [team for team in sorted(set(scope.team_ids)) if team not in hidden]
    known = set(teams)
    leading = list(dict.fromkeys(int(team) for team in first if int(team) in known))
    ahead = set(leading)
    order = leading + [team for team in teams if team not in ahead]
    size = max(1, int(chunk_teams))
    for start in range(0, len(order), size):
        chunk = answers_frame(wave_ids=[wave_id], team_ids=order[start : start + size])
        yield withhold_small_answers(chunk, withheld)


def team_evidence(scope: Scope, team_id: int) -> pd.DataFrame:
    """The current evidence of one team the scope may see (evidence is about systems, not respondents)."""
    return evidence_frame(team_ids=[team_id] if team_id in set(scope.team_ids) else [])


def team_waivers(scope: Scope, team_id: int) -> list[Waiver]:
    """The waivers of one team the scope may see, with their audit trail (about rules and systems, not people's
    answers, so no anonymity rule applies)."""
    team = Team.objects.filter(pk=team_id, organization=scope.organization).first() if team_id in set(scope.team_ids) else None
    return waivers_for_team(team) if team is not None else []


def rule_evidence(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """For the rules view: the rules in use, the current evidence of the scope's teams (waivers marked), and
    their evaluations with what fired in each. Evidence describes systems, not respondents, and carries no
    wave, so no anonymity rule applies; only the scope's teams are read. Six queries."""
    team_ids = scope.team_ids
    evaluations, items = evidence_history_frames(team_ids=team_ids)
    return rules_frame(), evidence_frame(team_ids=team_ids), evaluations, items


def practice_signals(scope: Scope, keys: Iterable[str]) -> pd.DataFrame:
    """The scope's teams' current signals with these keys: team_id, key, value, subject. Signals describe
    systems, not respondents, so no anonymity rule applies to them."""
    return current_signals_frame(team_ids=scope.team_ids, keys=keys)


def evidenced_capabilities(scope: Scope) -> pd.DataFrame:
    """Capabilities that collected evidence shows the scope's teams provide."""
    return evidenced_capabilities_frame(team_ids=scope.team_ids)


SOURCE_FIELDS = ("response__source", "response__external_id", "response__external_url", "response__wave__anonymous")


def text_source(source: str, external_id: str, external_url: str, anonymous: bool) -> str:
    """Where a text came from: "survey", or the issue it was imported from ("issue owner/name#42"). In an
    anonymous wave an issue is named only as "issue form": its number would lead to its author."""
    if source != Response.Source.ISSUE:
        return "survey"
    identity = external_id if external_id.startswith("github:") else identity_from_url(external_url)
    if anonymous or not identity:
        return "issue form"
    return "issue " + identity.removeprefix("github:")


FREE_TEXT_TAG_FIELDS = ("pk", "answer_id", "kind", "value", "phrase", "start", "end", "low_days", "high_days", "status")


def free_text_review(scope: Scope, *, wave_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tagged free-text answers of one wave (pains, suggestions, service requirements and implementation)
    from the scope's teams' submitted responses, anonymity applied, and their stored tags. Three queries.

    texts: answer_id, wave_id, team_id, response_id, question_key, text, source (`text_source`); tags: `FREE_TEXT_TAG_FIELDS`
    (pk as tag_id), only of the texts returned.
    """
    answers = Answer.objects.filter(
        response__wave_id=wave_id,
        response__wave__organization=scope.organization,
        response__status=Response.Status.SUBMITTED,
        question__key__in=list(TAGGED_QUESTION_KEYS),
    ).exclude(value_text="")
    if (teams := scope.team_filter()) is not None:
        answers = answers.filter(response__team_id__in=teams)
    fields = ("pk", "response__wave_id", "response__team_id", "response_id", "question__key", "value_text", *SOURCE_FIELDS)
    columns = ["answer_id", "wave_id", "team_id", "response_id", "question_key", "text", *SOURCE_FIELDS]
    rows = answers.order_by("response__team__name", "response_id", "question__key").values_list(*fields)
    texts = withhold_small_answers(pd.DataFrame(list(rows), columns=columns), _withheld_teams(scope.organization, [wave_id]))
    texts["source"] = [text_source(*row) for row in zip(*(texts[field] for field in SOURCE_FIELDS), strict=True)]
    texts = texts.drop(columns=list(SOURCE_FIELDS))
    tag_columns = ["tag_id", *FREE_TEXT_TAG_FIELDS[1:]]
    tags = FreeTextTag.objects.filter(answer_id__in=[int(pk) for pk in texts["answer_id"]] or [-1])
    return texts, pd.DataFrame(
        list(tags.order_by("answer_id", "start", "pk").values_list(*FREE_TEXT_TAG_FIELDS)), columns=tag_columns
    )


def delivery_signals(scope: Scope, keys: Iterable[str]) -> pd.DataFrame:
    """Current and earlier delivery signals of the scope's teams (see `signal_history_frame`). Signals describe
    systems, not respondents, so no anonymity rule applies to them. Two queries."""
    return signal_history_frame(team_ids=scope.team_ids, keys=keys)


@dataclass(frozen=True)
class PersonProgress:
    """Where one person invited by name stands in a wave: for the wave's admins only, never for its reports."""

    invitation: Invitation
    name: str
    email: str
    status: str  # not_started, draft, submitted, revoked
    invited_at: datetime | None  # the invitation email for the current link, when one went out
    invite_unconfirmed: bool  # claimed by a run that never confirmed sending it
    reminders: int
    last_activity: datetime | None

    @property
    def opened_at(self) -> datetime | None:
        return self.invitation.opened_at


def wave_people(wave: Wave) -> list[PersonProgress]:
    """Every person the wave invited by name with their progress and the emails sent to them. Two queries.

    It tells who has opened, started or submitted, never what anyone answered, in anonymous waves too.
    """
    invitations = (
        Invitation.objects.filter(wave=wave)
        .for_people()
        .select_related("membership__user", "team", "response")
        .order_by("team__name", "membership__user__last_name", "membership__user__first_name", "pk")
    )
    invites: dict[str, SentEmail] = {}
    reminders: dict[str, int] = {}
    for email in SentEmail.objects.filter(wave=wave, kind__in=[EmailKind.INVITE, EmailKind.REMINDER]).order_by("sent_at"):
        if email.kind == EmailKind.INVITE:
            invites[email.period_key] = email
        else:
            reminders[email.recipient] = reminders.get(email.recipient, 0) + 1
    rows = []
    for invitation in invitations:
        user = invitation.membership.user if invitation.membership else None
        address = user.email.strip().lower() if user is not None else ""
        response = invitation_response(invitation)
        invite = invites.get(invite_period_key(invitation))
        rows.append(
            PersonProgress(
                invitation=invitation,
                name=(user.get_full_name() or user.get_username()) if user is not None else "",
                email=address,
                status=invitation_status(invitation, response),
                invited_at=invite.sent_at if invite is not None else None,
                invite_unconfirmed=invite is not None and not invite.confirmed,
                reminders=reminders.get(address, 0) if address else 0,
                last_activity=response.updated_at if response is not None else None,
            )
        )
    return rows


def _newest(queryset: QuerySet[Model]) -> Subquery:
    """The largest id of a table (an index lookup, not a scan)."""
    return Subquery(queryset.order_by("-pk").values("pk")[:1], output_field=IntegerField())


def _counted(queryset: QuerySet[Model], by: str) -> Coalesce:
    counted = queryset.filter(**{by: OuterRef("pk")}).order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class Freshness(NamedTuple):
    """What `dashboard_freshness` reads: the newest id of each append-only table, and a few counts."""

    snapshot: int
    response: int
    evaluation: int
    signal: int
    tag: int
    annotation: int
    waves: int
    opened: int
    links: int
    decided: str  # the newest decision on a free-text tag (confirmed, rejected), which changes a row in place


def dashboard_freshness(organization: Organization, *, now: datetime) -> Freshness:
    """Numbers that change whenever what the dashboards draw may have changed, in one query.

    Snapshots, responses, evaluations, signals and free-text tags are only ever appended, so the newest id of
    each moves with every new score, response or piece of evidence (a submit leads to a new snapshot); the
    organization's waves (all of them, and those opened by `now`), consumer links and annotations are
    counted or their newest id taken. Tag decisions change a tag in place, so the newest decision time is
    taken too. The newest ids are global: another organization's new rows change them too, which costs a
    recomputation, never a stale page."""
    waves = Wave.objects.all()
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            newest_snapshot=_newest(ScoreSnapshot.objects.all()),
            newest_response=_newest(Response.objects.all()),
            newest_evaluation=_newest(Evaluation.objects.all()),
            newest_signal=_newest(Signal.objects.all()),
            newest_tag=_newest(FreeTextTag.objects.all()),
            newest_annotation=_newest(Annotation.objects.filter(organization=OuterRef("pk"))),
            waves_count=_counted(waves, "organization"),
            opened_count=_counted(waves.filter(opens_at__lte=now), "organization"),
            links_count=_counted(Consumption.objects.all(), "consumer__organization"),
            newest_decision=Subquery(
                FreeTextTag.objects.filter(decided_at__isnull=False).order_by("-decided_at").values("decided_at")[:1],
                output_field=DateTimeField(),
            ),
        )
        .values_list(
            "newest_snapshot",
            "newest_response",
            "newest_evaluation",
            "newest_signal",
            "newest_tag",
            "newest_annotation",
            "waves_count",
            "opened_count",
            "links_count",
            "newest_decision",
        )
        .first()
    )
    *counts, decided = row or (0,) * len(Freshness._fields)
    return Freshness(*(int(value or 0) for value in counts), decided=decided.isoformat() if decided else "")


def wave_answer_freshness(organization: Organization) -> dict[int, tuple[int, int, int, str]]:
    """Per wave of the organization, in one query: its submitted responses, the newest of their ids, the sum
    of their versions and their newest change. These move with every submission, edit or withdrawal in that
    wave and with nothing else, so what is derived from one wave's answers can be kept under them."""
    rows = (
        Response.objects.filter(wave__organization=organization, status=Response.Status.SUBMITTED)
        .order_by()
        .values("wave_id")
        .annotate(count=Count("pk"), newest=Max("pk"), versions=Sum("version"), changed=Max("updated_at"))
        .values_list("wave_id", "count", "newest", "versions", "changed")
    )
    return {
        int(wave): (int(count), int(newest), int(versions or 0), changed.isoformat() if changed else "")
        for wave, count, newest, versions, changed in rows
    }
