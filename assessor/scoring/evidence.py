"""What the evidence shows: a floor (highest supported level) and a ceiling (below the lowest contradicted one).

Evidence items that did not fire, because a signal was missing, are simply absent: unknown is never
read as a failure. Items marked `waived` (a team recorded that the rule does not apply to it) are left out
as if they had not fired. The status compares the claimed level with the range the evidence allows:
- no_evidence: nothing counted for the aspect;
- conflict: the evidence disagrees with itself, supporting a level above one it contradicts (floor > ceiling),
  so it allows no range and says nothing of the claim;
- over_claim: the claim is above the ceiling (evidence contradicts it);
- under_claim: the claim is below the floor (evidence shows more);
- agree: the claim lies within the range.
"""

from __future__ import annotations

import pandas as pd

NO_EVIDENCE = "no_evidence"
OVER_CLAIM = "over_claim"
UNDER_CLAIM = "under_claim"
AGREE = "agree"
CONFLICT = "conflict"
STATUSES = (AGREE, OVER_CLAIM, UNDER_CLAIM, CONFLICT, NO_EVIDENCE)

EVIDENCE_LEVEL_COLUMNS = ["team_id", "aspect", "floor", "ceiling", "items", "newest_observed_at"]


def counted(evidence: pd.DataFrame) -> pd.DataFrame:
    """The rows that count: supporting or contradicting, and not waived."""
    rows = evidence[evidence["direction"].isin(["supports", "contradicts"])]
    if "waived" in rows.columns:
        rows = rows[~rows["waived"].astype("boolean").fillna(False).astype(bool)]
    return rows


def evidence_levels(evidence: pd.DataFrame) -> pd.DataFrame:
    """Per team and aspect: floor (or NaN), ceiling (4 when nothing contradicts), item count, newest observation.

    The floor is the highest level whose support outweighs what contradicts it, even when that lies above the
    ceiling: such a floor is a conflict (see `claim_status`), shown as such rather than clamped into a range."""
    rows = counted(evidence)
    if rows.empty:
        return pd.DataFrame(columns=EVIDENCE_LEVEL_COLUMNS)
    signed = rows.assign(net=rows["weight"].astype(float).where(rows["direction"] == "supports", -rows["weight"].astype(float)))
    net = signed.groupby(["team_id", "aspect", "level"])["net"].sum().reset_index()
    supported = net[net["net"] > 0].groupby(["team_id", "aspect"])["level"].max().rename("floor")
    contradicted = (
        net[(net["net"] < 0) & (net["level"] > 1)].groupby(["team_id", "aspect"])["level"].min().rename("lowest_contradicted")
    )
    summary = rows.groupby(["team_id", "aspect"]).agg(items=("level", "size"), newest_observed_at=("observed_at", "max"))
    result = summary.join(supported).join(contradicted).reset_index()
    result["ceiling"] = (result["lowest_contradicted"] - 1).fillna(4).astype(int)
    return result[EVIDENCE_LEVEL_COLUMNS]


def is_conflict(floor: float, ceiling: float) -> bool:
    return bool(pd.notna(floor) and pd.notna(ceiling) and floor > ceiling)


def claim_status(claimed_level: float, floor: float, ceiling: float, items: float) -> str:
    if pd.isna(items) or items == 0 or pd.isna(claimed_level):
        return NO_EVIDENCE
    if is_conflict(floor, ceiling):
        return CONFLICT
    if claimed_level > ceiling:
        return OVER_CLAIM
    if pd.notna(floor) and claimed_level < floor:
        return UNDER_CLAIM
    return AGREE
