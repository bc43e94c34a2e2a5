"""Load the demo organization, then each app's demo data in the order of the layers (waves, evidence, scores)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from assessor.datafiles import DataFileInvalid
from assessor.demo import DEMO_ADMIN, seed_organization
from assessor.models import Organization
from collectors import demo as collectors_demo
from reports import conf
from reports import demo as reports_demo
from reports.services import digest_recipients
from surveys import demo as surveys_demo
from surveys.models import Invitation, Wave


class Command(BaseCommand):
    help = "Create the demo organization with its teams, links, repositories and cluster (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization = self._seed()
        except DataFileInvalid as exc:  # the model, the instrument, the demo data or the rules
            raise CommandError(str(exc)) from exc
        self._where_to_look(organization)

    def _seed(self) -> Organization:
        organization = seed_organization()
        self.stdout.write(f"Demo organization {organization.name!r}: {organization.teams.count()} teams.")
        for seed in (surveys_demo.seed, collectors_demo.seed, reports_demo.seed):
            seed(organization, self.stdout)
        return organization

    def _where_to_look(self, organization: Organization) -> None:
        site, now = conf.site_url(), timezone.now()
        waves = list(Wave.objects.filter(organization=organization).order_by("opens_at"))
        closed = next((wave for wave in reversed(waves) if wave.has_closed(now)), None)
        open_wave = next((wave for wave in waves if wave.is_open(now)), None)
        invitation = (
            Invitation.objects.filter(wave=open_wave, revoked_at__isnull=True, response__isnull=True, team__kind="application")
            .select_related("team")
            .order_by("team__name", "pk")
            .first()
            if open_wave
            else None
        )
        frequency = conf.digest_default_frequency()
        recipients = ", ".join(user.email for user in digest_recipients(organization=organization, frequency=frequency))
        lines = [
            f"Where to look (sign in as {DEMO_ADMIN!r} at {site}{reverse('login')}; its password is printed below):",
            f"  Dashboard         {site}{reverse('reports:overview')}?org={organization.slug}",
            f"  Collect evidence  {site}{reverse('collectors:collect')}?org={organization.slug}",
            f"  Survey waves      {site}{reverse('surveys:waves')}",
        ]
        if invitation is not None:
            lines.append(f"  A survey link     {site}{invitation.path()} ({invitation.team.name}, not started)")
        if closed is not None:
            lines.append(f"  Reviewer export   {site}{reverse('api:export-tag')}?wave={closed.pk} ({closed.name}, JSON)")
        lines.append(f"  API docs          {site}{reverse('api:docs')}")
        lines.append(f"  {frequency.capitalize()} digest to {recipients or 'nobody yet'}")
        self.stdout.write("\n".join(lines))
