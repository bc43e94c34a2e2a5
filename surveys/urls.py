"""URLs of the surveys app: invitation links under /s/, staff pages under /waves/."""

from django.urls import path, re_path

from surveys.views import autosave, open_wave, respond, staff

app_name = "surveys"

TOKEN = r"(?P<token>[^/]{1,200})"  # noqa: S105 - a URL pattern, not a secret

urlpatterns = [
    re_path(rf"^s/{TOKEN}/$", respond.respond, name="respond"),
    re_path(rf"^s/{TOKEN}/step/(?P<section>[A-Za-z0-9_-]{{1,80}})/$", respond.step, name="step"),
    re_path(rf"^s/{TOKEN}/save/$", autosave.autosave, name="autosave"),
    re_path(rf"^s/{TOKEN}/answers/$", respond.review, name="review"),
    re_path(rf"^s/{TOKEN}/result/$", respond.result, name="result"),
    path("waves/", staff.wave_list, name="waves"),
    path("waves/new/", open_wave.wave_new, name="wave_new"),
    path("waves/<int:wave_id>/invitations/", staff.wave_invitations, name="wave_invitations"),
    path("waves/<int:wave_id>/invitations/create/", staff.invitations_new, name="invitations_create"),
    path("waves/<int:wave_id>/invitations/<int:invitation_id>/revoke/", staff.invitation_revoke, name="invitation_revoke"),
    path(
        "waves/<int:wave_id>/invitations/<int:invitation_id>/regenerate/",
        staff.invitation_regenerate,
        name="invitation_regenerate",
    ),
    path("waves/<int:wave_id>/invitations/<int:invitation_id>/fresh/", staff.invitation_fresh_link, name="invitation_fresh"),
]
