"""Aggregates of a community: pure functions from received release documents to the tables reviewers read.

Each organization counts once per period, through its newest wave closed in the period (the newest release
of that wave). A cell sums the counts the organizations published in their own releases (withheld counts
add nothing) and is published only when it covers at least `min_orgs` organizations with a count above zero
and `k` respondents. Cells that would reveal a withheld cell by subtraction are withheld too: the export's
complementary suppression (`reports.export.suppression`) protects cells below k, and a cell withheld for its
organizations never stands alone among the unknowns of a table, so it cannot be computed from the table's
total and its published parts.

Shares weighted by respondents are published count / published total; shares weighted by organization are
the mean over the organizations in the table of each one's own share (a count it withheld counts as none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports.export.suppression import Key, Relation, suppress

LEVEL_CATEGORIES = ("level_1", "level_2", "level_3", "level_4")
NO_ANSWER = "no_answer"
ALL = "all"
GAP_MEASURES = ("need", "unmet")
# Sections of the export whose name starts with this hold practice tables (adoption, outcomes) when present.
PRACTICE_PREFIX = "practice"
WITHHELD_ORGS = "fewer organizations than the minimum"
WITHHELD_RESPONDENTS = "fewer respondents than the minimum"
WITHHELD_REVEALING = "withheld because it would reveal a withheld cell"
CELL_COLUMNS = ["organization", "table", "subject", "measure", "category", "count"]
LEVEL_COLUMNS = ["aspect", "category", "respondents", "share", "org_share", "organizations", "status"]
PRACTICE_COLUMNS = ["practice", "measure", "category", "respondents", "share", "org_share", "organizations", "status"]
GAP_COLUMNS = ["capability", "needing", "unmet", "unmet_share", "organizations", "status"]
CHANGE_COLUMNS = ["aspect", "category", "share", "previous_share", "change"]


@dataclass(frozen=True)
class ReleaseFacts:
    """One received release: who sent it (a pseudonym), its wave and number, when the wave closed, the document."""

    organization: str
    wave: str
    number: int
    closed_in: str  # YYYY-MM
    document: Mapping[str, Any]


@dataclass(frozen=True)
class Period:
    """Whole years, first to last, both included."""

    first: int
    last: int

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def holds(self, closed_in: str) -> bool:
        return self.first <= int(closed_in[:4]) <= self.last

    def previous(self) -> Period:
        span = self.last - self.first + 1
        return Period(self.first - span, self.last - span)


@dataclass(frozen=True)
class Thresholds:
    min_orgs: int
    k: int


@dataclass
class CommunityReport:
    period: Period
    organizations: int
    respondents: int | None
    releases: int
    levels: pd.DataFrame
    practices: pd.DataFrame
    gaps: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))


@dataclass(frozen=True)
class Decision:
    """Which cells may be published, with their values, and why each other cell is withheld."""

    published: dict[Key, int]
    reasons: dict[Key, str]


def current_releases(releases: Iterable[ReleaseFacts]) -> list[ReleaseFacts]:
    """The newest release of each wave of each organization: a later release supersedes the earlier ones."""
    newest: dict[tuple[str, str], ReleaseFacts] = {}
    for release in releases:
        key = (release.organization, release.wave)
        if key not in newest or release.number > newest[key].number:
            newest[key] = release
    return sorted(newest.values(), key=lambda r: (r.organization, r.closed_in, r.wave))


def in_period(releases: Iterable[ReleaseFacts], period: Period) -> list[ReleaseFacts]:
    """One release per organization: the current release of its newest wave closed in the period."""
    chosen: dict[str, ReleaseFacts] = {}
    for release in current_releases(releases):
        if not period.holds(release.closed_in):
            continue
        held = chosen.get(release.organization)
        if held is None or (release.closed_in, release.wave) > (held.closed_in, held.wave):
            chosen[release.organization] = release
    return [chosen[name] for name in sorted(chosen)]


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _table_rows(organization: str, table: str, subject: str, measure: str, cells: Any) -> list[dict[str, Any]]:
    return [
        {
            "organization": organization,
            "table": table,
            "subject": subject,
            "measure": measure,
            "category": str(cell.get("category")),
            "count": _count(cell.get("count")),
        }
        for cell in cells or []
        if isinstance(cell, Mapping)
    ]


def _practice_subject(entry: Mapping[str, Any]) -> str:
    for name in ("practice", "subject", "key"):
        if isinstance(entry.get(name), str):
            return str(entry[name])
    return ""


def _practice_items(organization: str, items: Any) -> list[dict[str, Any]]:
    """The export's own practice section (format 3): per practice its adopters against the others, and each
    outcome's distribution per group, as tables "adoption" and "<outcome> (<group>)"."""
    rows: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("practice"), str):
            continue
        practice = str(item["practice"])
        adoption = [{"category": group, "count": item.get(group)} for group in ("adopters", "others")]
        rows += _table_rows(organization, "practices", practice, "adoption", adoption)
        for outcome in item.get("outcomes") or []:
            if isinstance(outcome, Mapping):
                measure = f"{outcome.get('outcome')} ({outcome.get('group')})"
                rows += _table_rows(organization, "practices", practice, measure, outcome.get("cells"))
    return rows


def _practice_rows(organization: str, section: str, entries: Any) -> list[dict[str, Any]]:
    """Tables of a practice section: the export's own (an object with "items"), a list of tables, or an object
    of such lists (its keys name the measure)."""
    if isinstance(entries, Mapping) and "items" in entries:
        return _practice_items(organization, entries["items"])
    if isinstance(entries, Mapping):
        return [row for key, value in entries.items() for row in _practice_rows(organization, f"{section}.{key}", value)]
    rows: list[dict[str, Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and entry.get("team_kind", ALL) in (ALL, "application") and _practice_subject(entry):
            measure = str(entry.get("measure") or section)
            rows += _table_rows(organization, "practices", _practice_subject(entry), measure, entry.get("cells"))
    return rows


def cell_frame(releases: Sequence[ReleaseFacts]) -> pd.DataFrame:
    """Every count the releases published for the whole organization (team kind "all"), application teams'
    cooperation (need, unmet) and any practice section, in long form."""
    rows: list[dict[str, Any]] = []
    for release in releases:
        document, name = release.document, release.organization
        for entry in document.get("respondents") or []:
            if entry.get("team_kind") == ALL:
                rows.append(
                    {"organization": name, "table": "respondents", "subject": ALL, "measure": "respondents",
                     "category": ALL, "count": _count(entry.get("count"))}
                )  # fmt: skip
        for entry in document.get("level_distribution") or []:
            if entry.get("team_kind") == ALL:
                rows += _table_rows(name, "levels", str(entry.get("aspect")), "level", entry.get("cells"))
        for entry in document.get("cooperation") or []:
            if entry.get("team_kind") == "application" and entry.get("measure") in GAP_MEASURES:
                rows += _table_rows(name, "cooperation", str(entry.get("capability")), str(entry["measure"]), entry.get("cells"))
        for section, entries in document.items():
            if str(section).startswith(PRACTICE_PREFIX):
                rows += _practice_rows(name, str(section), entries)
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def decide(
    counts: Mapping[Key, int],
    organizations: Mapping[Key, int],
    relations: Sequence[Relation],
    *,
    thresholds: Thresholds,
    hidden: Iterable[Key] = (),
) -> Decision:
    """Both minimums, with complementary suppression: the export's rule for cells below k, and no cell withheld
    for its organizations left as the only unknown of a relation (its smallest published part, else its total,
    is withheld beside it), repeated until nothing changes."""
    never = set(hidden)
    sparse = {key for key in counts if key not in never and organizations.get(key, 0) < thresholds.min_orgs}
    extra: set[Key] = set()
    while True:
        result = suppress(counts, relations, k=thresholds.k, hidden=never | sparse | extra, rounding=1)
        withheld = set(counts) - set(result.published)
        added: set[Key] = set()
        for relation in relations:
            members = (relation.total, *relation.parts)
            unknown = [key for key in members if key in withheld]
            if len(unknown) != 1 or unknown[0] not in sparse:
                continue
            published = sorted((p for p in relation.parts if p not in withheld), key=lambda key: (counts[key], repr(key)))
            added.add(published[0] if published else relation.total)
        if added <= extra:
            break
        extra |= added
    reasons: dict[Key, str] = {}
    for key in counts:
        if key in result.published or key in never:
            continue
        if key in sparse:
            reasons[key] = WITHHELD_ORGS
        elif counts[key] < thresholds.k:
            reasons[key] = WITHHELD_RESPONDENTS
        else:
            reasons[key] = WITHHELD_REVEALING
    return Decision(published=dict(result.published), reasons=reasons)


@dataclass
class _Tables:
    counts: dict[Key, int] = field(default_factory=dict)
    organizations: dict[Key, int] = field(default_factory=dict)
    org_shares: dict[Key, float] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)
    order: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # table, subject, measure, categories


def _add_table(tables: _Tables, frame: pd.DataFrame, table: str, subject: str, measure: str, categories: list[str]) -> None:
    rows = frame[(frame["table"] == table) & (frame["subject"] == subject) & (frame["measure"] == measure)]
    known = rows[rows["count"].notna()]
    per_org = known.groupby("organization")["count"].sum()
    parts: list[Key] = []
    for category in categories:
        key: Key = (table, subject, measure, category)
        cell = known[known["category"] == category]
        tables.counts[key] = int(cell["count"].sum())
        tables.organizations[key] = int((cell["count"] > 0).sum())
        own = dict(zip(cell["organization"], cell["count"], strict=True))
        shares = [float(own.get(org, 0)) / float(total) for org, total in per_org.items() if total > 0]
        tables.org_shares[key] = sum(shares) / len(shares) if shares else 0.0
        parts.append(key)
    total_key: Key = (table, subject, measure, ALL)
    tables.counts[total_key] = sum(tables.counts[p] for p in parts)
    tables.organizations[total_key] = int((per_org > 0).sum())
    tables.relations.append(Relation(total_key, tuple(parts)))
    tables.order.append((table, subject, measure, categories))


def _gap_table(tables: _Tables, frame: pd.DataFrame, capability: str) -> None:
    """Application respondents needing the capability and those of them whose team cannot get it, from the
    organizations that published both; "met" is their difference and is never published."""
    rows = frame[(frame["table"] == "cooperation") & (frame["subject"] == capability) & frame["count"].notna()]
    needing = rows[(rows["measure"] == "need") & (rows["category"] == "need_yes")].set_index("organization")["count"]
    unmet = rows[(rows["measure"] == "unmet") & (rows["category"] == "unmet")].set_index("organization")["count"]
    both = sorted(set(needing.index) & set(unmet.index))
    need_key: Key = ("gaps", capability, "needing", ALL)
    unmet_key: Key = ("gaps", capability, "unmet", "unmet")
    met_key: Key = ("gaps", capability, "met", "met")
    tables.counts[need_key] = int(sum(needing[o] for o in both))
    tables.counts[unmet_key] = int(sum(unmet[o] for o in both))
    tables.counts[met_key] = tables.counts[need_key] - tables.counts[unmet_key]
    tables.organizations[need_key] = sum(1 for o in both if needing[o] > 0)
    tables.organizations[unmet_key] = sum(1 for o in both if unmet[o] > 0)
    tables.organizations[met_key] = sum(1 for o in both if needing[o] - unmet[o] > 0)
    tables.hidden.add(met_key)
    tables.relations.append(Relation(need_key, (unmet_key, met_key)))


def _share(count: int | None, total: int | None) -> float | None:
    return round(100 * count / total, 1) if count is not None and total else None


def _categories(frame: pd.DataFrame, table: str, subject: str, measure: str) -> list[str]:
    rows = frame[(frame["table"] == table) & (frame["subject"] == subject) & (frame["measure"] == measure)]
    return list(dict.fromkeys(str(c) for c in rows["category"]))


def community_report(releases: Sequence[ReleaseFacts], period: Period, thresholds: Thresholds) -> CommunityReport:
    """The community's tables for one period, every cell under both minimums."""
    chosen = in_period(releases, period)
    frame = cell_frame(chosen)
    tables = _Tables()
    respondents_key: Key = ("respondents", ALL, "respondents", ALL)
    known = frame[(frame["table"] == "respondents") & frame["count"].notna()]
    tables.counts[respondents_key] = int(known["count"].sum())
    tables.organizations[respondents_key] = int((known["count"] > 0).sum())
    aspects = list(dict.fromkeys(str(a) for a in frame.loc[frame["table"] == "levels", "subject"]))
    for aspect in aspects:
        _add_table(tables, frame, "levels", aspect, "level", [*LEVEL_CATEGORIES, NO_ANSWER])
    practice_tables = frame.loc[frame["table"] == "practices", ["subject", "measure"]].drop_duplicates()
    for subject, measure in zip(practice_tables["subject"], practice_tables["measure"], strict=True):
        _add_table(tables, frame, "practices", str(subject), str(measure), _categories(frame, "practices", subject, measure))
    capabilities = list(dict.fromkeys(str(c) for c in frame.loc[frame["table"] == "cooperation", "subject"]))
    for capability in capabilities:
        _gap_table(tables, frame, capability)
    decision = decide(tables.counts, tables.organizations, tables.relations, thresholds=thresholds, hidden=tables.hidden)
    return CommunityReport(
        period=period,
        organizations=len(chosen),
        respondents=decision.published.get(respondents_key),
        releases=len(chosen),
        levels=_distribution_rows(tables, decision, "levels", LEVEL_COLUMNS, "aspect"),
        practices=_distribution_rows(tables, decision, "practices", PRACTICE_COLUMNS, "practice"),
        gaps=_gap_rows(tables, decision, capabilities),
    )


def _distribution_rows(tables: _Tables, decision: Decision, table: str, columns: list[str], subject_name: str) -> pd.DataFrame:
    rows = []
    for kind, subject, measure, categories in tables.order:
        if kind != table:
            continue
        total = decision.published.get((table, subject, measure, ALL))
        levels_total = None
        no_answer = decision.published.get((table, subject, measure, NO_ANSWER))
        if table == "levels" and total is not None and no_answer is not None:
            levels_total = total - no_answer
        for category in categories:
            key: Key = (table, subject, measure, category)
            count = decision.published.get(key)
            base = levels_total if table == "levels" and category != NO_ANSWER else total
            rows.append(
                {
                    subject_name: subject,
                    "measure": measure,
                    "category": category,
                    "respondents": count,
                    "share": _share(count, base) if category != NO_ANSWER or table != "levels" else None,
                    "org_share": round(100 * tables.org_shares[key], 1) if count is not None else None,
                    "organizations": tables.organizations[key] if count is not None else None,
                    "status": decision.reasons.get(key, "published"),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _gap_rows(tables: _Tables, decision: Decision, capabilities: Sequence[str]) -> pd.DataFrame:
    rows = []
    for capability in capabilities:
        need_key: Key = ("gaps", capability, "needing", ALL)
        unmet_key: Key = ("gaps", capability, "unmet", "unmet")
        needing, unmet = decision.published.get(need_key), decision.published.get(unmet_key)
        rows.append(
            {
                "capability": capability,
                "needing": needing,
                "unmet": unmet,
                "unmet_share": _share(unmet, needing),
                "organizations": tables.organizations[need_key] if needing is not None else None,
                "status": decision.reasons.get(unmet_key) or decision.reasons.get(need_key) or "published",
            }
        )
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per aspect and level: the share now, in the previous period, and the change in percentage points
    (only where both are published)."""
    if current.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    now = current[current["category"] != NO_ANSWER][["aspect", "category", "share"]]
    before = (
        previous[previous["category"] != NO_ANSWER][["aspect", "category", "share"]].rename(columns={"share": "previous_share"})
        if not previous.empty
        else pd.DataFrame(columns=["aspect", "category", "previous_share"])
    )
    merged = now.merge(before, on=["aspect", "category"], how="left")
    merged["change"] = [
        round(float(a) - float(b), 1) if pd.notna(a) and pd.notna(b) else None
        for a, b in zip(merged["share"], merged["previous_share"], strict=True)
    ]
    return merged[CHANGE_COLUMNS].reset_index(drop=True)


def report_with_changes(releases: Sequence[ReleaseFacts], period: Period, thresholds: Thresholds) -> CommunityReport:
    report = community_report(releases, period, thresholds)
    previous = community_report(releases, period.previous(), thresholds)
    report.changes = changes(report.levels, previous.levels)
    return report


def periods_of(releases: Iterable[ReleaseFacts]) -> list[int]:
    """The years in which some received wave closed, newest first."""
    return sorted({int(r.closed_in[:4]) for r in releases}, reverse=True)


def benchmark_levels(report: CommunityReport) -> dict[str, list[float]] | None:
    """Percentages at levels 1-4 per aspect for a benchmark file; None when some level of some aspect is withheld."""
    levels: dict[str, list[float]] = {}
    rows = report.levels[report.levels["category"].isin(LEVEL_CATEGORIES)]
    for aspect, group in rows.groupby("aspect", sort=False):
        counts = dict(zip(group["category"], group["respondents"], strict=True))
        values = [counts.get(c) for c in LEVEL_CATEGORIES]
        if any(v is None or pd.isna(v) for v in values):
            return None
        total = sum(int(v) for v in values if v is not None)
        if total == 0:
            return None
        shares = [round(100 * int(v) / total, 1) for v in values if v is not None]
        shares[-1] = round(100 - sum(shares[:-1]), 1)
        levels[str(aspect)] = shares
    return levels or None


def withheld_aspects(report: CommunityReport) -> list[str]:
    rows = report.levels[report.levels["category"].isin(LEVEL_CATEGORIES) & report.levels["respondents"].isna()]
    return list(dict.fromkeys(str(a) for a in rows["aspect"]))


def contributions(releases: Sequence[ReleaseFacts]) -> Mapping[str, list[str]]:
    """Organization -> periods (closed_in) of its current releases, for the reviewers' list."""
    found: dict[str, list[str]] = defaultdict(list)
    for release in current_releases(releases):
        found[release.organization].append(release.closed_in)
    return dict(found)
