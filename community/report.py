"""The community report for a period: its aggregates as chart blocks (the dashboards' chart style, tables and
CSV), and as the JSON the API returns. Built from `community.selectors` and `community.frames`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from community import conf
from community.frames import (
    LEVEL_CATEGORIES,
    NO_ANSWER,
    CommunityReport,
    Period,
    Thresholds,
    periods_of,
    report_with_changes,
)
from community.models import Community
from community.selectors import release_facts
from reports.charts.maturity import distribution_figure
from reports.dashboards import ChartBlock
from reports.practices import read_practices
from reports.tables import Column
from reports.vocabulary import vocabulary

MAX_SPAN_YEARS = 10


class PeriodInvalid(ValueError):
    """The period asked for is not a year or a range of years."""


LEVEL_TABLE = (
    Column("aspect_name", "Aspect"),
    Column("category_name", "Level"),
    Column("respondents", "Respondents", "int"),
    Column("share", "Share (%)", "score"),
    Column("org_share", "Share by organization (%)", "score"),
    Column("organizations", "Organizations", "int"),
    Column("status", "Status"),
)
CHANGE_TABLE = (
    Column("aspect_name", "Aspect"),
    Column("category_name", "Level"),
    Column("share", "Share (%)", "score"),
    Column("previous_share", "Previous period (%)", "score"),
    Column("change", "Change (points)", "score"),
)
PRACTICE_TABLE = (
    Column("practice", "Practice"),
    Column("measure", "Measure"),
    Column("category", "Category"),
    Column("respondents", "Count", "int"),
    Column("share", "Share (%)", "score"),
    Column("org_share", "Share by organization (%)", "score"),
    Column("organizations", "Organizations", "int"),
    Column("status", "Status"),
)
GAP_TABLE = (
    Column("capability_name", "Capability"),
    Column("needing", "Application respondents who need it", "int"),
    Column("unmet", "Of them, cannot get it", "int"),
    Column("unmet_share", "Unmet (%)", "score"),
    Column("organizations", "Organizations", "int"),
    Column("status", "Status"),
)


@dataclass
class CommunityPage:
    community: Community
    period: Period
    report: CommunityReport
    years: list[int]
    thresholds: Thresholds
    blocks: list[ChartBlock] = field(default_factory=list)


def thresholds() -> Thresholds:
    return Thresholds(min_orgs=conf.min_orgs(), k=conf.min_respondents())


def parse_period(first: str | None, last: str | None, years: list[int], *, default_year: int) -> Period:
    """`from`/`to` years from the query string; the newest year with releases when neither is given."""
    if not first and not last:
        return Period(years[0], years[0]) if years else Period(default_year, default_year)
    values = []
    for name, value in (("from", first or last), ("to", last or first)):
        text = (value or "").strip()
        if not (text.isdigit() and len(text) == 4):
            raise PeriodInvalid(f"`{name}` must be a year such as {default_year}.")
        values.append(int(text))
    period = Period(values[0], values[1])
    if period.first > period.last or period.last - period.first >= MAX_SPAN_YEARS:
        raise PeriodInvalid(f"The period runs from one year to the same or a later one, {MAX_SPAN_YEARS} years at most.")
    return period


def _level_name(category: str, level_names: dict[int, str]) -> str:
    if category == NO_ANSWER:
        return "No level given"
    level = int(category.removeprefix("level_"))
    return f"{level} {level_names.get(level, '')}".strip()


def _levels_figure_frame(levels: pd.DataFrame) -> pd.DataFrame:
    rows = levels[levels["category"].isin(LEVEL_CATEGORIES)]
    return pd.DataFrame(
        {
            "aspect": rows["aspect"],
            "level": [int(c.removeprefix("level_")) for c in rows["category"]],
            "share": rows["share"].fillna(0.0).astype(float),
            "teams": rows["respondents"].fillna(0).astype(int),
        }
    )


def community_page(community: Community, *, first: str | None, last: str | None, default_year: int) -> CommunityPage:
    releases = release_facts(community)
    years = periods_of(releases)
    period = parse_period(first, last, years, default_year=default_year)
    limits = thresholds()
    report = report_with_changes(releases, period, limits)
    page = CommunityPage(community, period, report, years, limits)
    page.blocks = _blocks(page)
    return page


def _blocks(page: CommunityPage) -> list[ChartBlock]:
    words = vocabulary()
    report, label = page.report, f"{page.community.name}, {page.period.label}"
    levels = report.levels.copy()
    levels["aspect_name"] = levels["aspect"].map(lambda a: words.aspects.get(a, a))
    levels["category_name"] = [_level_name(c, words.levels) for c in levels["category"]]
    rule = (
        f"Each cell combines at least {page.thresholds.min_orgs} organizations and {page.thresholds.k} respondents; "
        "cells below either minimum are withheld, and so are cells that would reveal them by subtraction."
    )
    known = levels[levels["aspect"].isin(list(words.aspects))]
    blocks = [
        ChartBlock(
            key="levels",
            title="Respondents at each level",
            figure=distribution_figure(_levels_figure_frame(known), words.aspects, words.levels, label=label)
            if not known.empty
            else None,
            table=levels,
            columns=LEVEL_TABLE,
            description="Shares of the respondents who gave a level, across the organizations' latest waves in the "
            "period; the share by organization weighs each organization alike. " + rule,
        )
    ]
    changes = report.changes.copy()
    changes["aspect_name"] = changes["aspect"].map(lambda a: words.aspects.get(a, a))
    changes["category_name"] = [_level_name(c, words.levels) for c in changes["category"]]
    blocks.append(
        ChartBlock(
            key="changes",
            title=f"Change from {page.period.previous().label}",
            figure=None,
            table=changes,
            columns=CHANGE_TABLE,
            description="The share at each level now and in the period before, where both are published.",
        )
    )
    gaps = report.gaps.copy()
    gaps["capability_name"] = gaps["capability"].map(lambda c: words.capabilities.get(c, c))
    blocks.append(
        ChartBlock(
            key="gaps",
            title="Cooperation gap per capability domain",
            figure=None,
            table=gaps,
            columns=GAP_TABLE,
            description="Application respondents who need a capability, and how many of them belong to a team that "
            "cannot get it from its platforms. " + rule,
        )
    )
    if not report.practices.empty:
        practices = report.practices.copy()
        names = read_practices().names  # the page and its CSV name each practice as the organizations' pages do
        practices["practice"] = practices["practice"].map(lambda key: names.get(key, key))
        blocks.append(
            ChartBlock(
                key="practices",
                title="Practices: adoption and outcomes",
                figure=None,
                table=practices,
                columns=PRACTICE_TABLE,
                description="As the organizations' releases report them. " + rule,
            )
        )
    return blocks


COUNT_COLUMNS = {"respondents", "organizations", "needing", "unmet"}


def _plain(column: str, value: Any) -> Any:
    if value is None or pd.isna(value):
        return None
    if column in COUNT_COLUMNS:
        return int(value)
    return float(value) if isinstance(value, int | float) else str(value)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [
        {column: _plain(column, value) for column, value in zip(columns, values, strict=True)}
        for values in frame[columns].itertuples(index=False, name=None)
    ]


def report_json(page: CommunityPage) -> dict[str, Any]:
    report = page.report
    return {
        "community": page.community.slug,
        "period": {"from": page.period.first, "to": page.period.last, "label": page.period.label},
        "minimums": {"organizations": page.thresholds.min_orgs, "respondents": page.thresholds.k},
        "organizations": report.organizations,
        "respondents": report.respondents,
        "levels": _records(report.levels, ["aspect", "category", "respondents", "share", "org_share", "organizations", "status"]),
        "changes": _records(report.changes, ["aspect", "category", "share", "previous_share", "change"]),
        "gaps": _records(report.gaps, ["capability", "needing", "unmet", "unmet_share", "organizations", "status"]),
        "practices": _records(
            report.practices, ["practice", "measure", "category", "respondents", "share", "org_share", "organizations", "status"]
        ),
        "years": page.years,
    }
