"""Database reads behind the exports: one wave's TAG input (with the names its free text is scrubbed of), and all
answers in keyset-paged chunks.

Both apply the anonymous-wave rule of `reports.selectors`: answers of a team below an anonymous wave's
minimum never leave the service.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from assessor.models import Consumption, Membership, Organization, Team
from assessor.scoring.frames import ANSWER_COLUMNS
from reports.export.practices import PracticeInput, text_answer_id
from reports.export.scrub import KnownNames, known_names
from reports.export.tag import KINDS, QuestionInfo, TagInput
from reports.frames.practice_texts import IMPLEMENTATION_KEYS
from reports.models import FreeTextTag
from reports.practices import read_practices
from reports.selectors import (
    Scope,
    organization_scope,
    practice_signals,
    wave_answer_chunks,
    wave_answers,
    withheld_teams,
)
from surveys.models import Answer, Question, Response, Role, Wave

ANSWER_EXPORT_FIELDS = (
    ("answer_id", "pk"),
    ("response_id", "response_id"),
    ("wave_id", "response__wave_id"),
    ("team_id", "response__team_id"),
    ("team_kind", "response__team__kind"),
    ("role", "response__role"),
    ("response_status", "response__status"),
    ("question_key", "question__key"),
    ("qtype", "question__qtype"),
    ("aspect", "question__aspect"),
    ("perspective", "question__perspective"),
    ("capability", "question__capability"),
    ("value", "value_json"),
    ("value_text", "value_text"),
    ("level", "level"),
    ("updated_at", "updated_at"),
)
ANSWER_EXPORT_COLUMNS = tuple(name for name, _ in ANSWER_EXPORT_FIELDS)
ANSWER_TEXT_COLUMNS = ("value", "value_text")  # free text someone typed
ANSWER_TIME_COLUMNS = ("updated_at",)
DEFAULT_CHUNK = 5000


def _question_info(row: tuple[Any, ...]) -> QuestionInfo:
    key, qtype, capability, options, roles, show_if = row
    condition = None
    if isinstance(show_if, dict) and show_if.get("question"):
        condition = (str(show_if["question"]), tuple(str(value) for value in show_if.get("in", [])))
    return QuestionInfo(
        key=key,
        qtype=qtype,
        capability=capability,
        options=tuple(str(option["value"]) for option in options or [] if isinstance(option, dict) and "value" in option),
        roles=tuple(roles or ()),
        show_if=condition,
    )


def known_names_for(wave: Wave) -> KnownNames:
    """Every person the service knows (names, usernames, GitHub logins, issue authors of the wave), and the
    wave's organization and its teams: what released free text is scrubbed of (four queries)."""
    organization: Organization = wave.organization
    people: list[str] = []
    for first, last, username in get_user_model().objects.values_list("first_name", "last_name", "username"):
        people += [first, last, f"{first} {last}", username]
    people += Membership.objects.exclude(github_login="").values_list("github_login", flat=True)
    people += Response.objects.filter(wave=wave).exclude(external_author="").values_list("external_author", flat=True)
    teams = [value for pair in Team.objects.filter(organization=organization).values_list("name", "slug") for value in pair]
    return known_names(people=people, teams=teams, organizations=[organization.name, organization.slug])


def tag_input(wave: Wave, *, with_names: bool = False, chunk_teams: int | None = None) -> TagInput:
    """Everything the TAG export of one wave is built from (a fixed number of queries; four more `with_names`).

    `chunk_teams` None: the wave's answers as one frame. A number: no answer is read here; the export reads
    them in chunks of that many teams (`reports.selectors.wave_answer_chunks`) as it counts, so its memory
    does not grow with the wave (two queries, then three per chunk, each time it reads)."""
    organization: Organization = wave.organization
    links = Consumption.objects.filter(consumer__organization=organization).values_list("consumer_id", "provider_id")
    questions = Question.objects.filter(instrument_id=wave.instrument_id).order_by("position")

    everyone = organization_scope(organization)
    teams = {int(team): str(kind) for team, kind in zip(everyone.teams["team_id"], everyone.teams["kind"], strict=True)}
    if chunk_teams is None:
        answers = wave_answers(everyone, wave_id=wave.pk)
        chunks = None
        practices = _practice_input(everyone, wave, answers)
    else:
        size = int(chunk_teams)
        answers = pd.DataFrame({column: [] for column in ANSWER_COLUMNS})

        def chunks(first: Sequence[int]) -> Iterator[pd.DataFrame]:
            return wave_answer_chunks(everyone, wave_id=wave.pk, first=first, chunk_teams=size)

        practices = _practice_input_read_later(everyone, wave)
    return TagInput(
        answers=answers,
        team_kinds=teams,
        links=pd.DataFrame(list(links), columns=["consumer_id", "provider_id"]),
        questions=[
            _question_info(row) for row in questions.values_list("key", "qtype", "capability", "options", "roles", "show_if")
        ],
        kind_roles={kind: [str(role) for role in Role.for_team_kind(kind)] for kind in KINDS},
        organization_size=organization.size,
        model_version=wave.instrument.model_version,
        instrument_key=wave.instrument.key,
        instrument_version=wave.instrument.version,
        closed_on=wave.closes_at.date(),
        names=known_names_for(wave) if with_names else KnownNames(),
        practices=practices,
        chunks=chunks,
    )


_TAG_FIELDS = ("answer__response_id", "answer__question__key", "kind", "value", "phrase", "start", "end", "status")
_TAG_COLUMNS = ["answer_id", "kind", "value", "phrase", "start", "end", "status"]


def _implementation_tags(wave: Wave) -> QuerySet[FreeTextTag]:
    return FreeTextTag.objects.filter(
        answer__response__wave=wave,
        answer__response__status=Response.Status.SUBMITTED,
        answer__question__key__in=list(IMPLEMENTATION_KEYS),
    )


def _practice_input(everyone: Scope, wave: Wave, answers: pd.DataFrame) -> PracticeInput:
    """The practices file, the teams' current signals and the tags on what people wrote about how their
    services are set up (answers already carry the anonymity rule: a withheld team's text has no row). Two
    queries, one when nobody wrote about it."""
    catalog = read_practices()
    texts = answers[answers["question_key"].isin(IMPLEMENTATION_KEYS) & answers["value"].notna()]
    texts = texts.assign(answer_id=range(len(texts)), text=texts["value"].astype(str), source="")
    ids = {
        (int(r), str(q)): int(a) for r, q, a in zip(texts["response_id"], texts["question_key"], texts["answer_id"], strict=True)
    }
    # no text, no tag to read: the query is saved
    rows = (
        [(ids[(r, q)], *rest) for r, q, *rest in _implementation_tags(wave).values_list(*_TAG_FIELDS) if (r, q) in ids]
        if ids
        else []
    )
    return PracticeInput(
        version=catalog.version,
        practices=catalog.practices,
        answer_share=catalog.answer_share,
        signals=practice_signals(everyone, catalog.signal_keys),
        texts=texts[["answer_id", "wave_id", "team_id", "question_key", "text", "source"]],
        tags=pd.DataFrame(rows, columns=_TAG_COLUMNS),
    )


def _practice_input_read_later(everyone: Scope, wave: Wave) -> PracticeInput:
    """As `_practice_input`, for an export that reads the answers in chunks: the texts come with the answers
    (`texts` None), and the tags, read when the first text comes, name each text as `text_answer_id` does.
    A tag joins only a text that was read, so a team withheld by the anonymous-wave rule gives none. One
    query, two when someone wrote about it."""
    catalog = read_practices()

    def read_tags() -> pd.DataFrame:
        rows = [(text_answer_id(r, q), *rest) for r, q, *rest in _implementation_tags(wave).values_list(*_TAG_FIELDS)]
        return pd.DataFrame(rows, columns=_TAG_COLUMNS)

    return PracticeInput(
        version=catalog.version,
        practices=catalog.practices,
        answer_share=catalog.answer_share,
        signals=practice_signals(everyone, catalog.signal_keys),
        texts=None,
        read_tags=read_tags,
    )


# The narrow read behind `answer_chunks`: answers bring ids and values; their responses (per chunk) and
# questions (once) are read on their own and joined in Python, so no string is repeated per row in SQL.
_ANSWER_READ = ("pk", "response_id", "question_id", "value_json", "value_text", "level", "updated_at")
_RESPONSE_READ = ("pk", "wave_id", "team_id", "team__kind", "role", "status")
_QUESTION_READ = ("pk", "key", "qtype", "aspect", "perspective", "capability")


def _all_questions() -> dict[int, tuple[Any, ...]]:
    """Every question of every instrument (a few hundred rows at most), by id."""
    return {row[0]: row[1:] for row in Question.objects.order_by().values_list(*_QUESTION_READ)}


def answer_chunks(
    *,
    organization_ids: Sequence[int] | None,
    wave_ids: Iterable[int] | None = None,
    chunk_size: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Answers in primary-key order, `chunk_size` rows per chunk in ANSWER_EXPORT_COLUMNS order (keyset paging:
    memory stays flat). Two queries per chunk (its answers, then their responses), plus one for the questions.

    `organization_ids=None` means every organization (superusers).
    """
    answers = Answer.objects.order_by("pk")
    if organization_ids is not None:
        answers = answers.filter(response__wave__organization_id__in=list(organization_ids))
    if wave_ids is not None:
        answers = answers.filter(response__wave_id__in=list(wave_ids))
    withheld = withheld_teams(organization_ids=organization_ids, wave_ids=wave_ids)
    for wave_id, team_id in withheld.itertuples(index=False):
        answers = answers.exclude(Q(response__wave_id=wave_id) & Q(response__team_id=team_id))
    # The stored JSON as text: written out as it is, never decoded and encoded again.
    answers = answers.annotate(value_json=Cast("value", output_field=TextField()))
    size = chunk_size or DEFAULT_CHUNK
    questions: dict[int, tuple[Any, ...]] | None = None
    last = 0
    while True:
        rows = list(answers.filter(pk__gt=last).values_list(*_ANSWER_READ)[:size])
        if not rows:
            return
        last = rows[-1][0]
        responses = {
            row[0]: row[1:]
            for row in Response.objects.filter(pk__in={row[1] for row in rows}).order_by().values_list(*_RESPONSE_READ)
        }
        if questions is None or not {row[2] for row in rows} <= questions.keys():
            questions = _all_questions()  # once, unless an instrument was loaded meanwhile
        # An answer whose response was deleted between the two reads went with it: leave it out.
        yield [
            (pk, response_id, *responses[response_id], *questions[question_id], value, text, level, updated_at)
            for pk, response_id, question_id, value, text, level, updated_at in rows
            if response_id in responses
        ]
