"""Each evidence rule as a view: for how many teams it fired and how (supports, contradicts, waived, unknown),
which teams, and how those counts moved across collection runs."""

from __future__ import annotations

from typing import Any

import pandas as pd

OUTCOMES = ("supports", "contradicts", "waived", "unknown")
RULE_TABLE_COLUMNS = [
    "rule_key",
    "aspect",
    "level",
    "direction",
    "team_kinds",
    "explanation",
    "in_use",
    *OUTCOMES,
    "fired",
    "teams",
]
HISTORY_COLUMNS = ["day", "rule_key", "supports", "contradicts", "unknown", "fired"]


def _outcomes(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per (rule, team) of the current evidence with its outcome: waived wins over the direction."""
    if evidence.empty:
        return pd.DataFrame(columns=["rule_key", "team_id", "outcome", "waiver_reason"])
    waived = evidence["waived"].astype("boolean").fillna(False).astype(bool) if "waived" in evidence else False
    reasons = evidence.get("waiver_reason", "")
    rows = evidence.assign(outcome=evidence["direction"].where(~waived, "waived"), waiver_reason=reasons)
    rows = rows[rows["outcome"].isin(OUTCOMES)]
    return rows[["rule_key", "team_id", "outcome", "waiver_reason"]].drop_duplicates(["rule_key", "team_id"])


def rules_table(rules: pd.DataFrame, evidence: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """One row per rule in use (then any rule still in the current evidence that the rules in use no longer
    hold), with the number of teams per outcome and the teams themselves (a list of dicts: team_id, team,
    outcome, waiver_reason), the most-fired rules first."""
    outcomes = _outcomes(evidence).merge(teams[["team_id", "team"]], on="team_id", how="inner")
    known = set(rules["rule_key"])
    gone = outcomes.loc[~outcomes["rule_key"].isin(known), "rule_key"].drop_duplicates()
    if not gone.empty:
        first = evidence.drop_duplicates("rule_key").set_index("rule_key")
        extra = pd.DataFrame(
            {
                "rule_key": gone.to_numpy(),
                "aspect": [first.loc[key, "aspect"] for key in gone],
                "level": [first.loc[key, "level"] for key in gone],
                "direction": [first.loc[key, "direction"] for key in gone],
                "team_kinds": "",
                "explanation": [first.loc[key, "explanation"] for key in gone],
                "in_use": False,
            }
        )
        rules = pd.concat([rules, extra], ignore_index=True)
    counts = outcomes.pivot_table(index="rule_key", columns="outcome", values="team_id", aggfunc="nunique", fill_value=0)
    table = rules.merge(counts.reindex(columns=list(OUTCOMES), fill_value=0), left_on="rule_key", right_index=True, how="left")
    table[list(OUTCOMES)] = table[list(OUTCOMES)].fillna(0).astype(int)
    table["fired"] = table[list(OUTCOMES)].sum(axis=1)
    listed: dict[str, list[dict[str, Any]]] = {}
    ordered = outcomes.sort_values(["rule_key", "outcome", "team"], key=lambda s: s.str.casefold() if s.dtype == object else s)
    for record in ordered.to_dict("records"):
        listed.setdefault(str(record["rule_key"]), []).append(
            {
                "team_id": int(record["team_id"]),
                "team": record["team"],
                "outcome": record["outcome"],
                "waiver_reason": record["waiver_reason"] or "",
            }
        )
    table["teams"] = [listed.get(key, []) for key in table["rule_key"]]
    table["_order"] = range(len(table))
    table = table.sort_values(["fired", "_order"], ascending=[False, True]).reset_index(drop=True)
    return table[RULE_TABLE_COLUMNS]


def rule_history(evaluations: pd.DataFrame, items: pd.DataFrame, *, days: int = 12) -> pd.DataFrame:
    """For each of the last `days` days on which evidence was evaluated: per rule, the teams for which it fired
    in their newest evaluation as of that day's end (waivers aside: a waived rule still fires)."""
    if evaluations.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    stamped = evaluations.assign(day=evaluations["evaluated_at"].dt.date).sort_values(["evaluated_at", "evaluation_id"])
    frames = []
    for day in sorted(stamped["day"].unique())[-days:]:
        latest = stamped[stamped["day"] <= day].drop_duplicates("team_id", keep="last")
        fired = items.merge(latest[["evaluation_id", "team_id"]], on="evaluation_id")
        if fired.empty:
            continue
        counts = fired.pivot_table(index="rule_key", columns="direction", values="team_id", aggfunc="nunique", fill_value=0)
        counts = counts.reindex(columns=["supports", "contradicts", "unknown"], fill_value=0).reset_index()
        frames.append(counts.assign(day=day))
    if not frames:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    history = pd.concat(frames, ignore_index=True)
    history["fired"] = history[["supports", "contradicts", "unknown"]].sum(axis=1)
    return history.sort_values(["rule_key", "day"]).reset_index(drop=True)[HISTORY_COLUMNS]


def history_by_rule(history: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The history as plain rows per rule, oldest day first, for the page and the API."""
    result: dict[str, list[dict[str, Any]]] = {}
    for record in history.to_dict("records"):
        result.setdefault(str(record["rule_key"]), []).append(
            {key: record[key] for key in ("day", "supports", "contradicts", "unknown", "fired")}
        )
    return result


def teams_text(teams: list[dict[str, Any]]) -> str:
    """The teams of one rule for a CSV cell: "Checkout (contradicts); Payments (waived: vendor chart)"."""
    parts = []
    for team in teams:
        detail = f"waived: {team['waiver_reason']}" if team["outcome"] == "waived" and team["waiver_reason"] else team["outcome"]
        parts.append(f"{team['team']} ({detail})")
    return "; ".join(parts)
