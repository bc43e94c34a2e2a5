"""The rules view: every evidence rule with the teams it fired for, by outcome, and its history across runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports.dashboards import ChartBlock
from reports.frames.rules import history_by_rule, rule_history, rules_table, teams_text
from reports.selectors import Scope, rule_evidence
from reports.tables import Column
from reports.vocabulary import vocabulary

RULE_COLUMNS = (
    Column("rule_key", "Rule"),
    Column("aspect_name", "Aspect"),
    Column("level", "Level", "int"),
    Column("direction", "Direction"),
    Column("supports", "Teams: supports", "int"),
    Column("contradicts", "Teams: contradicts", "int"),
    Column("waived", "Teams: waived", "int"),
    Column("unknown", "Teams: unknown", "int"),
    Column("teams_text", "Which teams"),
    Column("in_use", "In the rules in use", "bool"),
)
HISTORY_COLUMNS = (
    Column("rule_key", "Rule"),
    Column("day", "Day", "date"),
    Column("supports", "Teams: supports", "int"),
    Column("contradicts", "Teams: contradicts", "int"),
    Column("unknown", "Teams: unknown", "int"),
)


@dataclass
class RulesPage:
    rules_version: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[ChartBlock] = field(default_factory=list)
    teams: int = 0
    evaluated: bool = False


def rules_data(scope: Scope, *, outcome: str | None = None) -> RulesPage:
    """Every rule with its counts, teams and history; `outcome` keeps only rules that fired that way."""
    words = vocabulary()
    rules, evidence, evaluations, items = rule_evidence(scope)
    table = rules_table(rules, evidence, scope.teams)
    if outcome:
        table = table[table[outcome] > 0].reset_index(drop=True)
    table["aspect_name"] = table["aspect"].map(lambda key: words.aspects.get(key, key))
    table["teams_text"] = table["teams"].map(teams_text)
    history = rule_history(evaluations, items)
    page = RulesPage(
        rules_version=str(rules["rules_version"].iloc[0]) if not rules.empty else "",
        teams=len(scope.teams),
        evaluated=not evaluations.empty,
    )
    by_rule = history_by_rule(history)
    for record in table.to_dict("records"):
        record["history"] = by_rule.get(str(record["rule_key"]), [])
        page.rows.append(record)
    page.blocks.append(
        ChartBlock(
            key="rules",
            title="Rules and the teams they fired for",
            figure=None,
            table=table.drop(columns=["teams"]),
            columns=RULE_COLUMNS,
            description="Each rule with how many teams its current evidence supports, contradicts, waives or leaves unknown.",
        )
    )
    kept = history[history["rule_key"].isin(set(table["rule_key"]))] if not history.empty else history
    page.blocks.append(
        ChartBlock(
            key="history",
            title="History across collection runs",
            figure=None,
            table=kept if not kept.empty else pd.DataFrame(columns=[c.key for c in HISTORY_COLUMNS]),
            columns=HISTORY_COLUMNS,
            description="Per day with evaluations, the teams each rule fired for in their newest evaluation by then.",
        )
    )
    return page
