"""The demo community: three synthetic organizations that sent releases for last year and this one, received
through the same checks as over HTTP, and the community's benchmark loaded into this deployment, so the whole
loop shows after `make run`. Running it again changes nothing. The demo organization is a fourth contributor
on this deployment that has sent nothing yet: its admin can publish from the release page."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessor.demo import DEMO_ADMIN, DEMO_SLUG
from assessor.models import Organization
from assessor.scoring.frames import ASPECTS
from community.benchmark import benchmark_text
from community.models import Community, CommunityRole, Contributor
from community.services import contributor_issue, release_receive
from reports.benchmark_store import benchmark_load
from reports.export.tag import FORMAT, FORMAT_VERSION, RULE
from reports.practices import read_practices

SLUG = "tag-app-delivery-demo"
NAME = "TAG App Delivery (demo)"
K = 5
# (pseudonym, organization size, people per level 1-4 in units of K, drift per year)
ORGANIZATIONS = (
    ("Organization A", "501-2000", (3, 5, 3, 1), 1),
    ("Organization B", "2000+", (2, 4, 5, 2), 1),
    ("Organization C", "101-500", (4, 4, 2, 1), 0),
)
CAPABILITIES = ("data", "messaging", "observability", "identity_secrets")


def _cells(counts: dict[str, int]) -> list[dict[str, Any]]:
    total = sum(counts.values())
    return [{"category": c, "count": n, "share": round(n / total, 2) if total else None} for c, n in counts.items()]


def _practices(rnd: random.Random) -> dict[str, Any]:
    """Adoption of every practice among 60 application teams, and each group's waits, in multiples of K."""
    catalog = read_practices()
    teams = 12 * K
    items = []
    for practice in catalog.practices:
        adopters = K * rnd.randint(3, 8)
        others = teams - adopters
        outcomes = []
        for group, size in (("adopters", adopters), ("others", others)):
            weeks = K * rnd.randint(1, size // K - 1) if size > K else 0
            days = size - weeks
            cells = {"days": days, "weeks": weeks}
            outcomes.append({"outcome": "median_wait", "group": group, "total": size, "cells": _cells(cells)})
        items.append({"practice": practice.key, "name": practice.name, "adopters": adopters, "others": others,
                      "from_free_text": None, "outcomes": outcomes})  # fmt: skip
    return {"version": catalog.version, "unit": "application teams", "teams": teams, "items": items}


def synthetic_document(*, index: int, year: int, number: int = 1) -> dict[str, Any]:
    """A release of one synthetic organization's wave closed in March of `year`: every count at least K, a
    multiple of K, as a real release of a wave that size would publish them."""
    name, size, shape, drift = ORGANIZATIONS[index]
    rnd = random.Random(f"{name}-{year}")  # noqa: S311 - demo figures, not secrets
    per_aspect = {}
    for aspect in ASPECTS:
        units = [max(1, u + rnd.choice((-1, 0, 0, 1))) for u in shape]
        units[2] += drift if year % 2 == 0 else 0
        per_aspect[aspect] = {f"level_{n}": K * u for n, u in enumerate(units, start=1)}
    respondents = max(sum(counts.values()) for counts in per_aspect.values()) + K
    levels = []
    for aspect, counts in per_aspect.items():
        counts["no_answer"] = respondents - sum(counts.values())
        levels.append({"aspect": aspect, "team_kind": "all", "total": respondents, "cells": _cells(counts)})
    cooperation = []
    for capability in CAPABILITIES:
        needing = K * rnd.randint(2, 4)
        need = {"need_yes": needing, "need_no": K * rnd.randint(1, 2), "no_answer": K}
        cooperation.append({"capability": capability, "measure": "need", "team_kind": "application",
                            "total": sum(need.values()), "cells": _cells(need)})  # fmt: skip
        unmet = K * rnd.randint(1, needing // K - 1)
        cooperation.append({"capability": capability, "measure": "unmet", "team_kind": "application", "total": needing,
                            "cells": [{"category": "unmet", "count": unmet, "share": round(unmet / needing, 2)}]})  # fmt: skip
    return {
        "practices": _practices(rnd),
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": datetime(year, 3, 31, 12, 0, tzinfo=timezone.get_current_timezone()).isoformat(timespec="seconds"),
        "disclosure_control": {"min_group_size": K, "rounding_base": K, "rule": RULE, "suppressed_cells": 0},
        "context": {
            "organization_size": size,
            "model_version": "1.0",
            "instrument": {"key": "pemm-cooperation", "version": 1},
            "closed_in": f"{year}-03",
        },
        "respondents": [{"team_kind": "all", "count": respondents}],
        "level_distribution": levels,
        "perception_gaps": [],
        "cooperation": cooperation,
        "free_text": None,
        "release": {
            "number": number,
            "inputs_hash": hashlib.sha256(f"{name}-{year}-{number}".encode()).hexdigest(),
            "superseded": False,
            "superseded_at": None,
            "scrubbed": None,
        },
    }


def _contributor(community: Community, pseudonym: str, organization: Organization | None = None) -> Contributor:
    held = Contributor.objects.filter(community=community, pseudonym=pseudonym).first()
    if held is not None:
        return held
    return contributor_issue(community=community, pseudonym=pseudonym, organization=organization)[0]  # key not kept


@transaction.atomic
def seed(stdout: TextIO) -> Community:
    now = timezone.now()
    community, _ = Community.objects.get_or_create(
        slug=SLUG, defaults={"name": NAME, "description": "Three synthetic organizations, to show the community loop."}
    )
    admin = get_user_model().objects.filter(username=DEMO_ADMIN).first()
    if admin is not None:
        CommunityRole.objects.get_or_create(community=community, user=admin, defaults={"role": CommunityRole.Role.ADMIN})
    received = 0
    for index, (pseudonym, *_rest) in enumerate(ORGANIZATIONS):
        contributor = _contributor(community, pseudonym)
        for year in (now.year - 1, now.year):
            text = json.dumps(synthetic_document(index=index, year=year))
            envelope = {"wave": f"demo-{index}-{year}", "document": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
            received += release_receive(contributor=contributor, envelope=envelope, now=now).created
    organization = Organization.objects.filter(slug=DEMO_SLUG).first()
    if organization is not None:
        _contributor(community, "Organization D", organization)
    loaded = benchmark_load(text=benchmark_text(community), source=f"community {community.slug} (demo)", now=now)
    stdout.write(
        f"Community {community.name!r}: {received} releases received, benchmark {loaded.row.key} "
        f"version {loaded.row.version} {loaded.outcome}.\n"
    )
    return community
