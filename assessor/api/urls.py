"""The core's part of the REST API (version 1): schema and docs, the maturity model, organizations and teams.

Also the path converter and the path prefixes every app's API uses; the shell (`assessor/urls.py`) mounts
this list and each app's under /api/v1/, in one namespace, with `errors.not_found` last.
"""

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessor.api import maturity, organizations


class IdConverter:
    """A database id: digits that fit a 64-bit integer, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TeamConverter:
    """A team as a client names it: its id or its slug, kept as written (`permissions.team_or_404` resolves it)."""

    regex = "[-a-zA-Z0-9_]{1,80}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(TeamConverter, "team")

ORG = "orgs/<slug:org>/"
TEAM = ORG + "teams/<team:team>/"
WAVE = ORG + "waves/<id:wave>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("model/versions/", maturity.VersionList.as_view(), name="model-versions"),
    path("model/versions/<id:pk>/", maturity.VersionDetail.as_view(), name="model-version"),
    path("model/aspects/", maturity.AspectList.as_view(), name="model-aspects"),
    path("model/cells/", maturity.CellList.as_view(), name="model-cells"),
    path("orgs/", organizations.OrganizationList.as_view(), name="orgs"),
    path(ORG, organizations.OrganizationDetail.as_view(), name="org"),
    path(ORG + "teams/", organizations.TeamList.as_view(), name="teams"),
    path(TEAM, organizations.TeamDetail.as_view(), name="team"),
]
