"""Which delivery practices go with a smaller app/infra gap: adoption, cooperation outcomes, and comparisons.

Pure functions over frames. Adoption is per application team and wave; outcomes are per application team
and wave; a comparison sets the teams that adopt a practice against those that do not, for one outcome,
with a seeded bootstrap interval. The wording is associative: a difference between groups, never a cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.practices import Practice

ADOPTION_COLUMNS = ["wave_id", "team_id", "practice", "adopted", "direct", "through_providers", "provenance"]
OUTCOME_COLUMNS = [
    "wave_id",
    "team_id",
    "median_wait_days",
    "ticket_share",
    "unmet_needs",
    "perception_gap",
    "interfaces_level",
    "operations_level",
]
COMPARISON_COLUMNS = [
    "practice",
    "outcome",
    "adopters",
    "others",
    "adopters_value",
    "others_value",
    "difference",
    "low",
    "high",
    "enough",
    "sentence",
]
# Midpoints, in days, of the survey's wait answers: hours or less, days (1 to 6), weeks (1 to 4), months.
WAIT_DAYS = {"hours": 0.125, "days": 3.0, "weeks": 14.0, "months": 60.0}
MIN_GROUP = 5
RESAMPLES = 2000
SEED = 20261201


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    statistic: str  # "median" or "mean"
    unit: str  # how a difference is written: "days", "share", "needs", "levels"
    lower_is_better: bool


OUTCOMES = (
    Outcome("median_wait_days", "Wait for needed capabilities", "median", "days", True),
    Outcome("ticket_share", "Share of capabilities got by ticket or by hand", "mean", "share", True),
    Outcome("unmet_needs", "Unmet capability needs", "mean", "needs", True),
    Outcome("perception_gap", "Perception gap with its providers", "mean", "levels", True),
    Outcome("interfaces_level", "Interfaces level", "mean", "levels", False),
    Outcome("operations_level", "Operations level", "mean", "levels", False),
)
OUTCOME_LABELS = {outcome.key: outcome.label for outcome in OUTCOMES}


def capability_part(answers: pd.DataFrame) -> pd.Series:
    """need, delivery, wait, provide or interface for capability answers; None for the rest."""
    keys = answers["question_key"].astype(object)
    return keys.where(answers["capability"].notna()).map(lambda key: key.rsplit(".", 1)[-1] if isinstance(key, str) else None)


# --- adoption -----------------------------------------------------------------------------------------


def _signal_hits(signals: pd.DataFrame, practices: Sequence[Practice]) -> pd.DataFrame:
    """team_id, practice, consumers (whether it counts for the team's consumers too), provenance for every
    signal that reaches a practice's threshold."""
    rows = []
    values = pd.to_numeric(signals["value"], errors="coerce")
    for practice in practices:
        for key, at_least in practice.signals:
            hit = signals[(signals["key"] == key) & (values >= at_least)]
            for team_id, value, subject in zip(hit["team_id"], values[hit.index], hit["subject"], strict=True):
                where = f" in {subject}" if subject else ""
                rows.append((int(team_id), practice.key, key in practice.consumer_signals, f"signal {key} = {value:g}{where}"))
    return pd.DataFrame(rows, columns=["team_id", "practice", "consumers", "provenance"])


def _answer_hits(answers: pd.DataFrame, practices: Sequence[Practice], part: str, field: str, share: float) -> pd.DataFrame:
    """wave_id, team_id, practice, provenance for capability answers of one part that show a practice: the
    answers of a team for one capability that name one of the practice's ways, when they are at least `share`
    of that team's answers for that capability."""
    columns = ["wave_id", "team_id", "practice", "provenance"]
    rows = answers[(capability_part(answers) == part) & answers["value"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    counted = rows.groupby(["wave_id", "team_id", "question_key", "value"], observed=True).size().rename("n").reset_index()
    counted["total"] = counted.groupby(["wave_id", "team_id", "question_key"], observed=True)["n"].transform("sum")
    counted = counted[counted["n"] >= share * counted["total"]]
    out = []
    for practice in practices:
        wanted = getattr(practice, field)
        if not wanted:
            continue
        hit = counted[counted["value"].isin(sorted(wanted))]
        fields = ["wave_id", "team_id", "question_key", "value", "n", "total"]
        for wave_id, team_id, key, value, n, total in hit[fields].itertuples(index=False):
            how_many = f" ({n} of {total} answers)" if total > 1 else ""
            out.append((int(wave_id), int(team_id), practice.key, f"answer {key} = {value}{how_many}"))
    return pd.DataFrame(out, columns=columns)


def adoption(
    app_teams: Iterable[int],
    wave_ids: Iterable[int],
    *,
    signals: pd.DataFrame,
    answers: pd.DataFrame,
    links: pd.DataFrame,
    practices: Sequence[Practice],
    team_names: Mapping[int, str] | None = None,
    answer_share: float = 0.5,
    free_text: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per application team, wave and practice: adopted directly (its own repositories and namespaces, or its
    respondents saying how capabilities reach them) or through its providers (a provider's signal that acts on
    its consumers, or its respondents mostly getting capabilities in the practice's delivery ways), with the
    signals and answers it rests on.

    `signals`: team_id, key, value, subject (current collected signals); `answers`: ANSWER_COLUMNS;
    `links`: consumer_id, provider_id; `free_text`: wave_id, team_id, practice, provenance (see
    `reports.frames.practice_texts`), counted as the team's own account and marked as coming from free text.
    """
    names = dict(team_names or {})
    own = _signal_hits(signals, practices)
    reported = _answer_hits(answers, practices, "delivery", "delivery", answer_share)
    reached = _answer_hits(answers, practices, "mechanism", "mechanisms", answer_share)
    offered = _answer_hits(answers, practices, "interface", "offered", answer_share)
    providers: dict[int, list[int]] = {}
    for consumer, provider in zip(links["consumer_id"], links["provider_id"], strict=True):
        providers.setdefault(int(consumer), []).append(int(provider))

    def grouped(frame: pd.DataFrame, keys: list[str]) -> dict[Any, list[str]]:
        return frame.groupby(keys)["provenance"].apply(list).to_dict() if not frame.empty else {}

    own_by = grouped(own, ["team_id", "practice"])
    shared_by = grouped(own[own["consumers"].astype(bool)], ["team_id", "practice"])
    reported_by = grouped(reported, ["wave_id", "team_id", "practice"])
    reached_by = grouped(reached, ["wave_id", "team_id", "practice"])
    offered_by = grouped(offered, ["wave_id", "team_id", "practice"])
    written_by = grouped(free_text, ["wave_id", "team_id", "practice"]) if free_text is not None else {}
    rows = []
    for wave_id in sorted({int(w) for w in wave_ids}):
        for team_id in sorted({int(t) for t in app_teams}):
            for practice in practices:
                at = (wave_id, team_id, practice.key)
                direct = list(own_by.get((team_id, practice.key), []))
                direct += [f"its respondents: {item}" for item in reached_by.get(at, [])]
                direct += [f"free text: {item}" for item in written_by.get(at, [])]
                through = [f"its respondents: {item}" for item in reported_by.get(at, [])]
                for provider in providers.get(team_id, []):
                    label = names.get(provider, f"team {provider}")
                    evidence = shared_by.get((provider, practice.key), []) + offered_by.get((wave_id, provider, practice.key), [])
                    through += [f"provider {label}: {item}" for item in evidence]
                rows.append(
                    (wave_id, team_id, practice.key, bool(direct or through), bool(direct), bool(through), direct + through)
                )
    return pd.DataFrame(rows, columns=ADOPTION_COLUMNS)


def adoption_counts(adoption_rows: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Per wave and practice: application teams adopting it directly, only through providers, and not at all."""
    columns = ["wave_id", "practice", "name", "direct", "through_providers_only", "not_adopted", "teams", "share"]
    if adoption_rows.empty:
        return pd.DataFrame(columns=columns)
    frame = adoption_rows.assign(
        only=adoption_rows["through_providers"] & ~adoption_rows["direct"], none=~adoption_rows["adopted"]
    )
    counts = frame.groupby(["wave_id", "practice"], sort=False).agg(
        direct=("direct", "sum"), through_providers_only=("only", "sum"), not_adopted=("none", "sum"), teams=("team_id", "size")
    )
    counts = counts.reset_index()
    counts["share"] = (counts["direct"] + counts["through_providers_only"]) / counts["teams"]
    counts["name"] = counts["practice"].map(names)
    return counts[columns]


WHOLE_ORGANIZATION = "Whole organization"
ADOPTION_TREND_COLUMNS = ["wave_id", "wave", "group", "practice", "name", "adopters", "teams", "share"]


def adoption_over_waves(
    adoption_rows: pd.DataFrame, groups: Mapping[int, str], names: Mapping[str, str], waves: Mapping[int, str]
) -> pd.DataFrame:
    """Per wave (oldest first), group and practice: application teams adopting it (directly or through their
    providers) out of all of them, for the whole organization first and then each group of teams.

    `groups`: team_id -> group name ("" for a team in no group, which counts for the organization only);
    `waves`: wave_id -> name, in the order to list them."""
    if adoption_rows.empty:
        return pd.DataFrame(columns=ADOPTION_TREND_COLUMNS)
    rows = adoption_rows[["wave_id", "team_id", "practice", "adopted"]]
    whole = rows.assign(group=WHOLE_ORGANIZATION)
    grouped = rows.assign(group=rows["team_id"].map(lambda team: groups.get(int(team), "")))
    both = pd.concat([whole, grouped[grouped["group"] != ""]], ignore_index=True)
    table = both.groupby(["wave_id", "group", "practice"], sort=False).agg(
        adopters=("adopted", "sum"), teams=("team_id", "nunique")
    )
    table = table.reset_index()
    table["share"] = table["adopters"] / table["teams"]
    table["wave"] = table["wave_id"].map(waves)
    table["name"] = table["practice"].map(names)
    wave_rank = {wave_id: index for index, wave_id in enumerate(waves)}
    practice_rank = {key: index for index, key in enumerate(names)}
    group_names = sorted(set(table["group"]) - {WHOLE_ORGANIZATION}, key=str.casefold)
    group_rank = {name: index for index, name in enumerate([WHOLE_ORGANIZATION, *group_names])}
    table = table.assign(
        _wave=table["wave_id"].map(wave_rank),
        _group=table["group"].map(group_rank),
        _practice=table["practice"].map(practice_rank),
    ).sort_values(["_group", "_practice", "_wave"])
    table["adopters"] = table["adopters"].astype(int)
    return table[ADOPTION_TREND_COLUMNS].reset_index(drop=True)


# --- outcomes -----------------------------------------------------------------------------------------


def outcomes(
    app_teams: Iterable[int],
    *,
    answers: pd.DataFrame,
    unmet: pd.DataFrame,
    scores: pd.DataFrame,
    links: pd.DataFrame,
) -> pd.DataFrame:
    """Per application team and wave: median wait for needed capabilities (days), share got by ticket or by
    hand, unmet needs, perception gap with its providers (their own score minus the team's view of the
    platform, over aspects) and its Interfaces and Operations levels. NaN where the team gave no answer.

    `answers`: capability answers (ANSWER_COLUMNS, delivery and wait repeated as given); `unmet`: UNMET_COLUMNS;
    `scores`: wave_id, team_id, aspect, score, level.
    """
    teams = sorted({int(t) for t in app_teams})
    waves = sorted({int(w) for w in answers["wave_id"]} | {int(w) for w in scores["wave_id"]})
    index = pd.MultiIndex.from_product([waves, teams], names=["wave_id", "team_id"])
    frame = pd.DataFrame(index=index)
    part = capability_part(answers)
    mine = answers["team_id"].isin(teams)
    waits = answers[mine & (part == "wait")].assign(days=lambda rows: rows["value"].map(WAIT_DAYS))
    frame["median_wait_days"] = waits.groupby(["wave_id", "team_id"])["days"].median()
    delivery = answers[mine & (part == "delivery")]
    frame["ticket_share"] = (delivery["value"] == "ticket").groupby([delivery["wave_id"], delivery["team_id"]]).mean()
    needs = answers[mine & (part == "need") & (answers["value"] == "need_yes")]
    needing = needs.groupby(["wave_id", "team_id"]).size()
    counted = unmet[unmet["team_id"].isin(teams)].groupby(["wave_id", "team_id"]).size()
    frame["unmet_needs"] = counted.reindex(needing.index, fill_value=0).astype(float)
    levels = (
        scores.pivot_table(index=["wave_id", "team_id"], columns="aspect", values="level", aggfunc="first")
        if not scores.empty
        else pd.DataFrame()
    )
    for aspect in ("interfaces", "operations"):
        frame[f"{aspect}_level"] = levels.get(aspect, np.nan)
    frame["perception_gap"] = _perception_by_consumer(scores, links, teams)
    frame = frame.reset_index()
    return frame[OUTCOME_COLUMNS].astype({column: float for column in OUTCOME_COLUMNS[2:]})


def _perception_by_consumer(scores: pd.DataFrame, links: pd.DataFrame, teams: list[int]) -> pd.Series:
    """Mean over providers and aspects of the provider's own score minus the consumer team's score."""
    if scores.empty or links.empty:
        return pd.Series(dtype=float)
    own = scores[["wave_id", "team_id", "aspect", "score"]]
    pairs = links[links["consumer_id"].isin(teams)]
    joined = pairs.merge(own.rename(columns={"team_id": "consumer_id", "score": "consumer_score"}), on="consumer_id").merge(
        own.rename(columns={"team_id": "provider_id", "score": "provider_score"}), on=["wave_id", "provider_id", "aspect"]
    )
    if joined.empty:
        return pd.Series(dtype=float)
    joined["gap"] = joined["provider_score"].astype(float) - joined["consumer_score"].astype(float)
    return joined.groupby(["wave_id", "consumer_id"])["gap"].mean().rename_axis(["wave_id", "team_id"])


# --- comparisons ----------------------------------------------------------------------------------------


def _statistic(values: np.ndarray, statistic: str, axis: int | None = None) -> Any:
    """The median or the mean, of the whole array (a float) or along an axis (an array)."""
    return np.median(values, axis=axis) if statistic == "median" else np.mean(values, axis=axis)


def bootstrap_difference(
    adopters: Sequence[float],
    others: Sequence[float],
    *,
    statistic: str = "mean",
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float, float]:
    """The difference of the statistic (adopters minus others) and its 95% percentile bootstrap interval,
    each group resampled with replacement on its own. Seeded: the same inputs give the same interval."""
    a = np.asarray(adopters, dtype=float)
    b = np.asarray(others, dtype=float)
    point = float(_statistic(a, statistic)) - float(_statistic(b, statistic))
    rng = np.random.default_rng(seed)
    draws_a = a[rng.integers(0, len(a), size=(resamples, len(a)))]
    draws_b = b[rng.integers(0, len(b), size=(resamples, len(b)))]
    differences = np.asarray(_statistic(draws_a, statistic, axis=1)) - np.asarray(_statistic(draws_b, statistic, axis=1))
    low, high = np.percentile(differences, [2.5, 97.5])
    return point, float(low), float(high)


def _amount(value: float, unit: str) -> str:
    size = abs(value)
    if unit == "days":
        return f"{size:.1f} days"
    if unit == "share":
        return f"{size * 100:.0f} percentage points"
    if unit == "needs":
        return f"{size:.1f} unmet needs"
    return f"{size:.2f} levels"


def _bound(value: float, unit: str) -> str:
    return f"{value * 100:+.0f}" if unit == "share" else f"{value:+.2f}" if unit == "levels" else f"{value:+.1f}"


def sentence(practice: str, outcome: Outcome, difference: float, low: float, high: float, adopters: int, others: int) -> str:
    """An associative sentence for one comparison: what the adopting teams had, against the other teams."""
    if difference == 0:
        what = f"had the same {outcome.label.lower()}" + (" (median)" if outcome.statistic == "median" else " (mean)")
    else:
        more = difference > 0
        how = "a median" if outcome.statistic == "median" else "on average"
        if outcome.unit == "days":
            what = f"waited {how} {_amount(difference, 'days')} {'longer' if more else 'less'}"
        else:
            what = f"had {how} {_amount(difference, outcome.unit)} {'more' if more else 'less'} ({outcome.label.lower()})"
    return (
        f"Teams using {practice} {what} than the other teams (95% interval {_bound(low, outcome.unit)} to "
        f"{_bound(high, outcome.unit)}; {adopters} and {others} teams). This is an association, not a cause."
    )


def comparisons(
    adoption_rows: pd.DataFrame,
    outcome_rows: pd.DataFrame,
    names: Mapping[str, str],
    *,
    min_group: int = MIN_GROUP,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> pd.DataFrame:
    """For each practice and outcome, in one wave's rows: adopters against the other application teams.

    Teams without a value for the outcome count in neither group. Below `min_group` teams in either group,
    the row says "not enough teams" and carries no difference."""
    if adoption_rows.empty or outcome_rows.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    joined = adoption_rows[["wave_id", "team_id", "practice", "adopted"]].merge(outcome_rows, on=["wave_id", "team_id"])
    rows = []
    for practice in names:
        of_practice = joined[joined["practice"] == practice]
        for outcome in OUTCOMES:
            known = of_practice[of_practice[outcome.key].notna()]
            yes = known.loc[known["adopted"], outcome.key].to_numpy(dtype=float)
            no = known.loc[~known["adopted"], outcome.key].to_numpy(dtype=float)
            row: dict[str, object] = {"practice": practice, "outcome": outcome.key, "adopters": len(yes), "others": len(no)}
            if min(len(yes), len(no)) < min_group:
                row.update(
                    enough=False,
                    sentence=f"Not enough teams to compare ({len(yes)} adopting, {len(no)} not; at least {min_group} each).",
                )
            else:
                difference, low, high = bootstrap_difference(yes, no, statistic=outcome.statistic, resamples=resamples, seed=seed)
                row.update(
                    adopters_value=float(_statistic(yes, outcome.statistic)),
                    others_value=float(_statistic(no, outcome.statistic)),
                    difference=difference,
                    low=low,
                    high=high,
                    enough=True,
                    sentence=sentence(names[practice], outcome, difference, low, high, len(yes), len(no)),
                )
            rows.append(row)
    return pd.DataFrame(rows).reindex(columns=COMPARISON_COLUMNS)


def gap_by_domain(answers: pd.DataFrame, unmet: pd.DataFrame, app_teams: Iterable[int], names: Mapping[str, str]) -> pd.DataFrame:
    """Per capability domain: application teams that need it, and the share of them with an unmet need or a
    usual wait over a week."""
    columns = ["capability", "name", "teams_needing", "unmet_or_slow", "share"]
    teams = {int(t) for t in app_teams}
    part = capability_part(answers)
    mine = answers[answers["team_id"].isin(teams)]
    needs = mine[(part[mine.index] == "need") & (mine["value"] == "need_yes")][["team_id", "capability"]].drop_duplicates()
    if needs.empty:
        return pd.DataFrame(columns=columns)
    waits = mine[part[mine.index] == "wait"].assign(days=lambda rows: rows["value"].map(WAIT_DAYS))
    slow = waits.groupby(["team_id", "capability"], observed=True)["days"].median() > 7
    slow_pairs = {pair for pair, is_slow in slow.items() if is_slow}
    unmet_pairs = set(zip(unmet["team_id"].astype(int), unmet["capability"].astype(str), strict=True))
    needs = needs.assign(
        flagged=[
            (int(t), str(c)) in slow_pairs or (int(t), str(c)) in unmet_pairs
            for t, c in zip(needs["team_id"], needs["capability"], strict=True)
        ]
    )
    table = needs.groupby("capability", observed=True).agg(teams_needing=("team_id", "size"), unmet_or_slow=("flagged", "sum"))
    table = table.reset_index()
    table["capability"] = table["capability"].astype(str)
    table["share"] = table["unmet_or_slow"] / table["teams_needing"]
    table["name"] = table["capability"].map(lambda key: names.get(key, key))
    return table.sort_values(["share", "teams_needing"], ascending=False)[columns].reset_index(drop=True)
