"""Create a community (or add people to one): its admins issue contributor tokens, its reviewers read it."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from community.models import Community, CommunityRole


class Command(BaseCommand):
    help = "Create a community, or add admins and reviewers to an existing one (accounts must exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default="", help="Its name (default: from the slug).")
        parser.add_argument("--admin", action="append", default=[], help="Username of a community admin (repeatable).")
        parser.add_argument("--reviewer", action="append", default=[], help="Username of a reviewer (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = slugify(options["slug"])[:80]
        if not slug:
            raise CommandError("Give the community a slug of letters, digits and hyphens.")
        community, created = Community.objects.get_or_create(
            slug=slug, defaults={"name": options["name"] or slug.replace("-", " ").title()}
        )
        users = get_user_model().objects
        for role, names in ((CommunityRole.Role.ADMIN, options["admin"]), (CommunityRole.Role.REVIEWER, options["reviewer"])):
            for name in names:
                user = users.filter(username=name).first()
                if user is None:
                    raise CommandError(f"No account {name!r}; create it first (manage.py createsuperuser, or the admin).")
                CommunityRole.objects.update_or_create(community=community, user=user, defaults={"role": role})
        word = "created" if created else "updated"
        self.stdout.write(
            f"Community {community.name!r} ({community.slug}) {word}: {community.roles.count()} people with a role."
        )
