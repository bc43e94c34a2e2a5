"""The demo organization: a dozen teams of all three kinds, who consumes whom, repositories and a cluster."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from assessor.models import Cluster, Consumption, Organization, Repository, Team, TeamGroup

DEMO_SLUG = "northwind"

GROUPS = {
    "customer": "Customer experience",
    "operations": "Operations systems",
    "foundations": "Platform and infrastructure",
}


@dataclass(frozen=True)
class DemoTeam:
    slug: str
    name: str
    kind: str
    group: str
    description: str
    provider_slugs: tuple[str, ...] = ()


TEAMS = (
    DemoTeam(
        "developer-platform",
        "Developer Platform",
        "platform",
        "foundations",
        "Runs the portal, golden paths, CI/CD and the runtime platform.",
    ),
    DemoTeam(
        "data-platform", "Data Platform", "platform", "foundations", "Offers managed databases, streams and object storage."
    ),
    DemoTeam(
        "cloud-infrastructure",
        "Cloud Infrastructure",
        "infrastructure",
        "foundations",
        "Owns cloud accounts, networks and Kubernetes clusters.",
    ),
    DemoTeam(
        "security-engineering", "Security Engineering", "infrastructure", "foundations", "Identity, secrets, policy and scanning."
    ),
    DemoTeam(
        "checkout",
        "Checkout",
        "application",
        "customer",
        "Cart, payment and order placement.",
        ("developer-platform", "data-platform", "security-engineering"),
    ),
    DemoTeam(
        "catalog", "Catalog", "application", "customer", "Product data and search.", ("developer-platform", "data-platform")
    ),
    DemoTeam(
        "mobile", "Mobile App", "application", "customer", "The customer mobile apps and their backend.", ("developer-platform",)
    ),
    DemoTeam(
        "notifications",
        "Notifications",
        "application",
        "customer",
        "Email, SMS and push messages.",
        ("developer-platform", "data-platform"),
    ),
    DemoTeam(
        "routing",
        "Routing",
        "application",
        "operations",
        "Delivery route planning.",
        ("developer-platform", "cloud-infrastructure"),
    ),
    DemoTeam(
        "warehouse",
        "Warehouse",
        "application",
        "operations",
        "Stock, picking and packing.",
        ("developer-platform", "data-platform", "cloud-infrastructure"),
    ),
    DemoTeam(
        "billing", "Billing", "application", "operations", "Invoices and payouts.", ("developer-platform", "security-engineering")
    ),
    DemoTeam(
        "analytics",
        "Analytics",
        "application",
        "operations",
        "Reporting for the business.",
        ("data-platform", "cloud-infrastructure"),
    ),
)


def demo_repo_dir() -> str:
    return str(settings.DATA_DIR / "demo-repos")


@transaction.atomic
def seed_organization() -> Organization:
    """Create or refresh the demo organization; running it again changes nothing."""
    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={"name": "Northwind Logistics (demo)", "size": Organization.Size.S501_2000},
    )
    groups = {
        key: TeamGroup.objects.get_or_create(organization=organization, slug=key, defaults={"name": name})[0]
        for key, name in GROUPS.items()
    }
    teams: dict[str, Team] = {}
    for spec in TEAMS:
        teams[spec.slug], _ = Team.objects.get_or_create(
            organization=organization,
            slug=spec.slug,
            defaults={"name": spec.name, "kind": spec.kind, "group": groups[spec.group], "description": spec.description},
        )
    for spec in TEAMS:
        for provider_slug in spec.provider_slugs:
            Consumption.objects.get_or_create(consumer=teams[spec.slug], provider=teams[provider_slug])
    for spec in TEAMS:
        Repository.objects.get_or_create(
            team=teams[spec.slug],
            name=f"{spec.slug}-service" if spec.kind == "application" else f"{spec.slug}-config",
            defaults={
                "local_path": f"{demo_repo_dir()}/{spec.slug}",
                "is_platform_repo": spec.kind != "application",
            },
        )
    Cluster.objects.get_or_create(
        team=teams["cloud-infrastructure"],
        name="prod-eu-1",
        defaults={"team_label": "team"},
    )
    return organization
