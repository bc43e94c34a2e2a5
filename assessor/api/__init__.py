"""The versioned REST API under /api/v1/ (Django REST framework), described at /api/v1/schema/ and /api/v1/docs/.

Authentication: machines send `Authorization: Token <key>` (create one with
`manage.py drf_create_token USERNAME [--name NAME] [--expires-in-days N]`; `-r` revokes the
user's other tokens; keys are stored hashed); browsers use their session. Answering a
survey needs neither: the invitation token in the URL is the credential, as in the web form's link.
The CI evidence push (`POST /api/v1/evidence/`, served by the collectors app) takes a repository's CI
token as `Authorization: Bearer <token>`.

Paths: `/orgs/{org}/` takes the organization's slug; `/orgs/{org}/teams/{team}/` and the paths under it take
the team's id or its slug (digits are read as the id first).

Who sees what (every check goes through `assessor.access`, via `assessor.api.permissions`):
- the maturity model and the instruments: anyone signed in;
- an organization, its waves, and the lists and reports under /orgs/{org}/: its members, each seeing
  only the teams `teams_visible_to` gives them (admins and org-wide viewers: all; team leads and
  members: their own team). Reports are computed from those teams alone, so a member's gap report
  never includes another team's answers. Objects you may not see answer 404;
- opening and closing waves, triggering collection, and both exports: the organization's admins.

Errors: every 4xx has the body {"error": {"code", "message", "details"}} (see `assessor.api.errors`).

The TAG export (`GET /api/v1/export/tag/?wave=`) is meant to leave the organization: an admin downloads
it and gives it to the reviewers, so there is no separate reviewer credential. Its format is described
by reports/data/tag-export-1.schema.json (also served at /api/v1/export/tag/schema/), and its
disclosure rule by `reports.export.suppression` and `reports.export.tag`.
"""
