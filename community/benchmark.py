"""The community's benchmark file: its level distributions per period, in the format of the bundled State of
Platform Engineering figures (validated by the same schema), so every organization can overlay them on its
trends. One edition per period whose every level of every aspect is published; its version grows with every
release the community receives."""

from __future__ import annotations

from typing import Any

import yaml

from community.frames import Period, benchmark_levels, community_report, periods_of, withheld_aspects
from community.models import Community, ReceivedRelease
from community.report import thresholds
from community.selectors import release_facts
from reports.benchmarks import parse_benchmarks


class BenchmarkUnavailable(LookupError):
    """No period of the community has every level of every aspect published yet."""


def benchmark_document(community: Community) -> dict[str, Any]:
    releases = release_facts(community)
    limits = thresholds()
    editions, skipped = [], []
    for year in periods_of(releases):
        period = Period(year, year)
        report = community_report(releases, period, limits)
        levels = benchmark_levels(report)
        if levels is None or report.respondents is None:
            skipped.append(f"{year} ({', '.join(withheld_aspects(report)) or 'no levels'})")
            continue
        editions.append(
            {
                "key": f"{community.slug}-{year}"[:80],
                "source": f"{community.name} community report",
                "publisher": community.name,
                "volume": 1,
                "year": year,
                "respondents": max(1, report.respondents),
                "url": None,
                "note": (
                    f"Respondents of {report.organizations} organizations whose waves closed in {period.label}, each "
                    f"organization through its latest wave; cells cover at least {limits.min_orgs} organizations "
                    f"and {limits.k} respondents."
                ),
                "organizations": report.organizations,
                "period": period.label,
                "levels": levels,
            }
        )
    if not editions:
        detail = "; withheld: " + ", ".join(skipped) if skipped else ""
        raise BenchmarkUnavailable(
            f"{community.name} has no period in which every level of every aspect covers enough organizations and "
            f"respondents yet{detail}."
        )
    version = ReceivedRelease.objects.filter(community=community).count()
    document = {"key": f"community-{community.slug}"[:80], "version": max(1, version), "editions": editions}
    parse_benchmarks(document, source=f"{community.name} benchmark")  # the same checks an organization's loader makes
    return document


def benchmark_text(community: Community) -> str:
    header = (
        f"# Benchmark of the {community.name} community, written by the service from the releases it received.\n"
        "# Load it with `manage.py load_benchmark FILE`; the trend report shows it beside the published figures.\n"
    )
    return header + yaml.safe_dump(benchmark_document(community), sort_keys=False, allow_unicode=True)
