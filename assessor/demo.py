"""The demo organization: twenty teams of all three kinds, who consumes whom, repositories, a cluster and its admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from assessor.models import Cluster, Consumption, Membership, Organization, Repository, Team, TeamGroup

DEMO_SLUG = "northwind"
# The account `ensure_admin` gives a password (make run prints it); the demo makes it an admin of the demo
# organization with an e-mail address, so the digest has someone to go to.
DEMO_ADMIN = "admin"
DEMO_ADMIN_EMAIL = "admin@example.com"

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
    repository: bool = True  # the later teams answer surveys but have no demo repository (keeps seeding quick)


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
    DemoTeam(
        "integration-platform",
        "Integration Platform",
        "platform",
        "foundations",
        "API gateway, event streaming and the service mesh.",
        repository=False,
    ),
    DemoTeam(
        "observability-platform",
        "Observability Platform",
        "platform",
        "foundations",
        "Metrics, logs, traces and alerting as a service.",
        repository=False,
    ),
    DemoTeam(
        "network-engineering",
        "Network Engineering",
        "infrastructure",
        "foundations",
        "Networks, DNS, load balancers and the edge.",
        repository=False,
    ),
    DemoTeam(
        "site-reliability",
        "Site Reliability",
        "infrastructure",
        "foundations",
        "Incident response, capacity planning and the shared on-call.",
        repository=False,
    ),
    DemoTeam(
        "payments",
        "Payments",
        "application",
        "customer",
        "Card and wallet payments, refunds.",
        ("developer-platform", "integration-platform", "security-engineering"),
        repository=False,
    ),
    DemoTeam(
        "search",
        "Search",
        "application",
        "customer",
        "Search and recommendations.",
        ("developer-platform", "data-platform", "observability-platform"),
        repository=False,
    ),
    DemoTeam(
        "customer-support",
        "Customer Support",
        "application",
        "operations",
        "Tickets, chat and the support agents' tools.",
        ("developer-platform", "integration-platform", "network-engineering"),
        repository=False,
    ),
    DemoTeam(
        "pricing",
        "Pricing",
        "application",
        "operations",
        "Prices, promotions and delivery fees.",
        ("data-platform", "observability-platform", "site-reliability"),
        repository=False,
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
    for spec in (spec for spec in TEAMS if spec.repository):
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
    _admin_membership(organization)
    return organization


def _admin_membership(organization: Organization) -> None:
    """The demo admin account, created without a password when missing (`ensure_admin` sets one), as an admin of
    the organization with an e-mail address."""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN, defaults={"email": DEMO_ADMIN_EMAIL, "is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif not user.email:
        user.email = DEMO_ADMIN_EMAIL
        user.save(update_fields=["email"])
    Membership.objects.get_or_create(user=user, organization=organization, team=None, defaults={"role": Membership.Role.ADMIN})
