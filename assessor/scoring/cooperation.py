"""Cooperation: per capability domain, what application teams need against what providers supply.

Reads the cooperation answers (question keys `cap.<domain>.<part>`, part one of need, delivery, wait,
provide, interface). A team needs or provides a domain when any of its respondents says so.
An application team's need is unmet when none of the providers it consumes provides the domain,
or when its respondents say it is not available to them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

DELIVERY_MODES = ("ticket", "standard_tooling", "self_service", "automatic", "not_available")
WAIT_TIMES = ("hours", "days", "weeks", "months")

COOPERATION_COLUMNS = [
    "wave_id",
    "capability",
    "demand",
    "supply",
    "evidenced",
    "unmet",
    *[f"delivery_{mode}" for mode in DELIVERY_MODES],
    *[f"wait_{bucket}" for bucket in WAIT_TIMES],
    "typical_wait",
]
UNMET_COLUMNS = ["wave_id", "team_id", "capability", "reason", "delivery", "wait"]


def _parts(answers: pd.DataFrame) -> pd.DataFrame:
    rows = answers[answers["capability"].notna() & answers["value"].notna()]
    return rows.assign(part=rows["question_key"].str.rsplit(".", n=1).str[-1])[
        ["wave_id", "team_id", "capability", "part", "value"]
    ]


def _teams_with(parts: pd.DataFrame, part: str, value: str) -> pd.DataFrame:
    rows = parts[(parts["part"] == part) & (parts["value"] == value)]
    return rows[["wave_id", "team_id", "capability"]].drop_duplicates()


def _most_common(parts: pd.DataFrame, part: str) -> pd.Series:
    rows = parts[parts["part"] == part]
    if rows.empty:
        index = pd.MultiIndex.from_tuples([], names=["wave_id", "team_id", "capability"])
        return pd.Series([], index=index, dtype="object", name=part)
    counts = rows.groupby(["wave_id", "team_id", "capability", "value"]).size().rename("n").reset_index()
    counts = counts.sort_values(["n", "value"], ascending=[False, True])
    return (
        counts.drop_duplicates(["wave_id", "team_id", "capability"])
        .set_index(["wave_id", "team_id", "capability"])["value"]
        .rename(part)
    )


def unmet_needs(answers: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One row per application team and domain it needs but cannot get, with the reason."""
    parts = _parts(answers)
    needs = _teams_with(parts, "need", "need_yes")
    if needs.empty:
        return pd.DataFrame(columns=UNMET_COLUMNS)
    provided = _teams_with(parts, "provide", "provide_yes").rename(columns={"team_id": "provider_id"})
    reachable = links.merge(provided, on="provider_id")[["wave_id", "consumer_id", "capability"]].drop_duplicates()
    reachable = reachable.rename(columns={"consumer_id": "team_id"}).assign(reachable=True)
    result = needs.merge(reachable, on=["wave_id", "team_id", "capability"], how="left")
    result = result.join(_most_common(parts, "delivery"), on=["wave_id", "team_id", "capability"])
    result = result.join(_most_common(parts, "wait"), on=["wave_id", "team_id", "capability"])
    result["reason"] = None
    result.loc[result["reachable"].isna(), "reason"] = "no_provider"
    result.loc[result["delivery"] == "not_available", "reason"] = "not_available"
    unmet = result[result["reason"].notna()]
    return unmet[UNMET_COLUMNS].sort_values(["wave_id", "capability", "team_id"]).reset_index(drop=True)


def cooperation_matrix(answers: pd.DataFrame, links: pd.DataFrame, evidenced: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per wave and domain: demand, supply, evidence that it exists, unmet needs, delivery modes and waits.

    `evidenced` (optional): team_id, capability rows for capabilities that collectors saw in place.
    """
    parts = _parts(answers)
    needs = _teams_with(parts, "need", "need_yes")
    supply = _teams_with(parts, "provide", "provide_yes")
    keys = pd.concat([needs, supply])[["wave_id", "capability"]].drop_duplicates()
    if keys.empty:
        return pd.DataFrame(columns=COOPERATION_COLUMNS)
    result = keys.set_index(["wave_id", "capability"])
    result["demand"] = needs.groupby(["wave_id", "capability"]).size()
    result["supply"] = supply.groupby(["wave_id", "capability"]).size()
    if evidenced is not None and not evidenced.empty:
        seen = set(evidenced["capability"])
        result["evidenced"] = [capability in seen for _, capability in result.index]
    else:
        result["evidenced"] = False
    result["unmet"] = unmet_needs(answers, links).groupby(["wave_id", "capability"]).size()
    delivery = _value_counts(parts, "delivery")
    wait = _value_counts(parts, "wait")
    for mode in DELIVERY_MODES:
        result[f"delivery_{mode}"] = delivery.get(mode, 0)
    for bucket in WAIT_TIMES:
        result[f"wait_{bucket}"] = wait.get(bucket, 0)
    result = result.fillna(0)
    wait_counts = result[[f"wait_{bucket}" for bucket in WAIT_TIMES]].to_numpy()
    result["typical_wait"] = [_median_bucket(row) for row in wait_counts]
    int_columns = ["demand", "supply", "unmet", *[c for c in result.columns if c.startswith(("delivery_", "wait_"))]]
    result[int_columns] = result[int_columns].astype(int)
    return result.reset_index()[COOPERATION_COLUMNS].sort_values(["wave_id", "capability"]).reset_index(drop=True)


def _value_counts(parts: pd.DataFrame, part: str) -> pd.DataFrame:
    rows = parts[parts["part"] == part]
    if rows.empty:
        return pd.DataFrame()
    return pd.crosstab([rows["wave_id"], rows["capability"]], rows["value"])


def _median_bucket(counts: Iterable[int]) -> str | None:
    """The wait bucket the middle answer falls in, from one row of per-bucket answer counts."""
    values = list(counts)
    total = sum(values)
    if total == 0:
        return None
    running = 0
    for bucket, count in zip(WAIT_TIMES, values, strict=True):
        running += count
        if running * 2 >= total:
            return bucket
    return WAIT_TIMES[-1]
