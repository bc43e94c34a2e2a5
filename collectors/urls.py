"""URLs of the collectors app: the collect page and its progress, dump upload, a team's evidence and its waivers."""

from django.urls import path

from collectors import views, waiver_views

app_name = "collectors"

urlpatterns = [
    path("collect/", views.collect_page, name="collect"),
    path("collect/status.json", views.collect_status, name="collect_status"),
    path("collect/clusters/<int:cluster_id>/upload/", views.dump_upload, name="dump_upload"),
    path("evidence/teams/<int:team_id>/", views.team_evidence, name="team_evidence"),
    path("evidence/teams/<int:team_id>/waivers/", waiver_views.waiver_add, name="waiver_add"),
    path("evidence/waivers/<int:waiver_id>/revoke/", waiver_views.waiver_end, name="waiver_revoke"),
]
