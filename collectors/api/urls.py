"""URLs of the collectors' API, mounted under /api/v1/ by the shell."""

from django.urls import path

from assessor.api.urls import ORG, TEAM
from collectors.api import ci, collection, evidence, waivers

urlpatterns = [
    path(TEAM + "evidence/", evidence.TeamEvidence.as_view(), name="team-evidence"),
    path(TEAM + "signals/", evidence.TeamSignals.as_view(), name="team-signals"),
    path(TEAM + "waivers/", waivers.TeamWaivers.as_view(), name="team-waivers"),
    path(TEAM + "waivers/<id:waiver>/revoke/", waivers.WaiverRevoke.as_view(), name="team-waiver-revoke"),
    path(ORG + "collections/", collection.CollectionTrigger.as_view(), name="collect"),
    path(ORG + "runs/", collection.CollectionRunList.as_view(), name="runs"),
    path("evidence/", ci.CiEvidencePush.as_view(), name="ci-evidence"),
]
