"""Cooperation gaps as report tables: demand against supply per capability, delivery modes, waits, unmet needs,
and the free-text pains and suggestions grouped by the capabilities their text is tagged with."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from assessor.scoring.cooperation import DELIVERY_MODES, WAIT_TIMES, cooperation_matrix, unmet_needs
from reports.frames.common import empty, ordered, with_team_names
from reports.tagging import CAPABILITY, Vocabulary, read_vocabulary, tag_text

DELIVERY_LABELS = {
    "ticket": "Ticket or manual request",
    "standard_tooling": "Shared tooling",
    "self_service": "Self-service",
    "automatic": "Provided automatically",
    "not_available": "Not offered",
}
WAIT_LABELS = {"hours": "Hours or less", "days": "Days", "weeks": "Weeks", "months": "Months or more"}
FREE_TEXT_KINDS = {
    "coop.pains": "pain",
    "coop.suggestions": "suggestion",
    "coop.service_requirements": "requirement",
    # the same fields of the working group's issue form (an instrument built from it)
    "pains": "pain",
    "suggestions": "suggestion",
    "service_requirements": "requirement",
}
NO_CAPABILITY = ""
NO_CAPABILITY_NAME = "Not tagged"

DEMAND_COLUMNS = [
    "capability",
    "name",
    "demand",
    "supply",
    "unmet",
    "evidenced",
    "self_service_share",
    "typical_wait",
]
UNMET_TABLE_COLUMNS = ["team_id", "team", "capability", "name", "reason", "delivery", "wait"]
FREE_TEXT_COLUMNS = ["capability", "name", "category", "text", "team_id", "team", "response_id", "source"]
UNMET_REASONS = {
    "no_provider": "None of the platforms it uses provides it",
    "not_available": "The team says it is not offered to them",
}


def _capability_sorted(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    order = {key: index for index, key in enumerate(ordered(frame["capability"], list(names)))}
    return frame.assign(_order=frame["capability"].map(order)).sort_values("_order", kind="stable").drop(columns="_order")


def demand_supply(matrix: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """One wave's matrix: per capability, teams that need it, teams that provide it, unmet needs and delivery.

    self_service_share: the share of delivery answers that were self-service or automatic.
    """
    if matrix.empty:
        return empty(DEMAND_COLUMNS)
    table = matrix.copy()
    table["name"] = table["capability"].map(lambda key: names.get(key, key))
    delivery_total = table[[f"delivery_{mode}" for mode in DELIVERY_MODES]].sum(axis=1)
    served = table["delivery_self_service"] + table["delivery_automatic"]
    table["self_service_share"] = (served / delivery_total.replace(0, np.nan)).astype(float)
    return _capability_sorted(table, names)[DEMAND_COLUMNS].reset_index(drop=True)


def _long(
    matrix: pd.DataFrame, names: Mapping[str, str], prefix: str, keys: tuple[str, ...], labels: Mapping[str, str]
) -> pd.DataFrame:
    if matrix.empty:
        return empty(["capability", "name", prefix, "label", "answers"])
    long = matrix.melt(id_vars=["capability"], value_vars=[f"{prefix}_{key}" for key in keys], value_name="answers")
    long[prefix] = long["variable"].str.removeprefix(f"{prefix}_")
    long["label"] = long[prefix].map(labels)
    long["name"] = long["capability"].map(lambda key: names.get(key, key))
    long["answers"] = long["answers"].astype(int)
    rank = {key: index for index, key in enumerate(keys)}
    long = _capability_sorted(long.assign(_rank=long[prefix].map(rank)).sort_values("_rank", kind="stable"), names)
    return long[["capability", "name", prefix, "label", "answers"]].reset_index(drop=True)


def delivery_modes(matrix: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """How application teams get each capability: answers per delivery mode (long form)."""
    return _long(matrix, names, "delivery", DELIVERY_MODES, DELIVERY_LABELS)


def wait_times(matrix: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """How long application teams wait for each capability: answers per bucket (long form)."""
    return _long(matrix, names, "wait", WAIT_TIMES, WAIT_LABELS)


def unmet_table(unmet: pd.DataFrame, teams: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Unmet needs of the teams the reader may see, with names and reasons in words."""
    if unmet.empty:
        return empty(UNMET_TABLE_COLUMNS)
    named = with_team_names(unmet, teams)
    named["name"] = named["capability"].map(lambda key: names.get(key, key))
    named["reason"] = named["reason"].map(lambda reason: UNMET_REASONS.get(reason, reason))
    named["delivery"] = named["delivery"].map(lambda mode: DELIVERY_LABELS.get(mode, "") if isinstance(mode, str) else "")
    named["wait"] = named["wait"].map(lambda bucket: WAIT_LABELS.get(bucket, "") if isinstance(bucket, str) else "")
    named = _capability_sorted(named.sort_values("team", key=lambda s: s.str.casefold(), kind="stable"), names)
    return named[UNMET_TABLE_COLUMNS].reset_index(drop=True)


def _tagged_capabilities(text: str, vocabulary: Vocabulary) -> list[str]:
    return [tag.value for tag in tag_text(text, vocabulary) if tag.kind == CAPABILITY]


def free_text_by_capability(
    answers: pd.DataFrame,
    teams: pd.DataFrame,
    names: Mapping[str, str],
    decisions: pd.DataFrame | None = None,
    vocabulary: Vocabulary | None = None,
) -> pd.DataFrame:
    """Pains, suggestions and service needs in respondents' own words, grouped by capability, the answers
    imported from the working group's issue form included; a `source` column of `answers` (where a text came
    from, such as the issue it was imported from) is kept beside each text.

    A text is listed under each capability its words are tagged with (see `reports.tagging`), once per
    capability, and under "Not tagged" when none. `decisions` (response_id, question_key, capability,
    status) holds what admins decided on the stored tags: "rejected" takes a capability away, "confirmed"
    and "added" put one there. Only teams the reader may see are included.
    """
    texts = answers[answers["question_key"].isin(list(FREE_TEXT_KINDS)) & answers["value"].notna()]
    texts = texts[texts["value"].astype(str).str.strip() != ""]
    if texts.empty:
        return empty(FREE_TEXT_COLUMNS)
    vocabulary = vocabulary or read_vocabulary()
    sources = (
        texts.drop_duplicates("response_id").set_index("response_id")["source"].to_dict() if "source" in texts.columns else {}
    )
    rows = texts[["response_id", "team_id", "question_key", "value"]].drop_duplicates().copy()
    rows["text"] = rows["value"].astype(str).str.strip()
    found = {text: _tagged_capabilities(text, vocabulary) for text in rows["text"].unique()}
    rows["capability"] = rows["text"].map(found)
    rows = rows.explode("capability")
    rows = rows[rows["capability"].notna()][["response_id", "team_id", "question_key", "text", "capability"]]
    if decisions is not None and not decisions.empty:
        keys = ["response_id", "question_key", "capability"]
        rejected = decisions.loc[decisions["status"] == "rejected", keys].assign(_rejected=True)
        rows = rows.merge(rejected, on=keys, how="left")
        rows = rows[rows["_rejected"].isna()].drop(columns="_rejected")
        kept = decisions.loc[decisions["status"].isin(["confirmed", "added"]), keys]
        chosen = kept.merge(texts[["response_id", "team_id", "question_key", "value"]].drop_duplicates(), on=keys[:2])
        chosen = chosen.assign(text=chosen["value"].astype(str).str.strip()).drop(columns="value")
        rows = pd.concat([rows, chosen], ignore_index=True).drop_duplicates(keys)
    untagged = texts[["response_id", "team_id", "question_key", "value"]].drop_duplicates()
    untagged = untagged.merge(rows[["response_id", "question_key"]].drop_duplicates(), how="left", indicator=True)
    untagged = untagged[untagged["_merge"] == "left_only"].drop(columns="_merge")
    untagged = untagged.assign(text=untagged["value"].astype(str).str.strip(), capability=NO_CAPABILITY).drop(columns="value")
    rows = pd.concat([rows, untagged], ignore_index=True)
    rows["category"] = rows["question_key"].map(FREE_TEXT_KINDS)
    rows["source"] = rows["response_id"].map(lambda response: sources.get(response) or "")
    named = with_team_names(rows, teams)
    named["name"] = named["capability"].map(lambda key: names.get(key, key) if key else NO_CAPABILITY_NAME)
    category_rank = {category: index for index, category in enumerate(FREE_TEXT_KINDS.values())}
    named = named.assign(_category=named["category"].map(category_rank), _team=named["team"].str.casefold()).sort_values(
        ["_category", "_team", "response_id"]
    )
    with_capability = named[named["capability"] != NO_CAPABILITY]
    without = named[named["capability"] == NO_CAPABILITY]
    result = pd.concat([_capability_sorted(with_capability, names), without]) if not with_capability.empty else without
    return result[FREE_TEXT_COLUMNS].reset_index(drop=True)


def _part(answers: pd.DataFrame) -> pd.Series:
    """The last part of each capability question key (need, delivery, wait, provide, interface)."""
    keys = {key: key.rsplit(".", 1)[-1] for key in answers["question_key"].dropna().unique()}
    return answers["question_key"].map(keys)


def cooperation_rows(answers: pd.DataFrame) -> pd.DataFrame:
    """Only the capability answers the cooperation figures depend on, each need or offer once per team.

    Saying "yes, we need it" (or "we provide it") counts once per team however many respondents say it, and
    other need, offer and interface answers count for nothing; delivery and wait answers count one by one.
    Dropping the rest first changes no figure and makes the matrix several times faster on large waves.
    """
    rows = answers[answers["capability"].notna() & answers["value"].notna()]
    part = _part(rows)
    said_yes = ((part == "need") & (rows["value"] == "need_yes")) | ((part == "provide") & (rows["value"] == "provide_yes"))
    yes = rows[said_yes].drop_duplicates(["wave_id", "team_id", "question_key"])
    return pd.concat([yes, rows[part.isin(["delivery", "wait"])]], ignore_index=True)


def cooperation_frames(
    answers: pd.DataFrame, links: pd.DataFrame, evidenced: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demand-and-supply matrix and the unmet needs of some answers (see `assessor.scoring.cooperation`).

    `evidenced`: team_id, capability rows for capabilities collectors saw in place.
    """

    rows = cooperation_rows(answers)
    return cooperation_matrix(rows, links, evidenced), unmet_needs(rows, links)
