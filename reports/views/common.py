"""What every dashboard view shares: choosing the organization, access, filters, and rendering chart blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from assessor.access import admins_to_ask, is_org_admin, organizations_for
from assessor.models import Organization
from assessor.scoring.rubric import available_versions, load_rubric
from reports.dashboards import ChartBlock, PageNotFound, find_block
from reports.selectors import Scope, scope_for
from reports.tables import csv_text, render_table

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
DOWNLOAD = "download"


class PageError(Exception):
    """Stops a view with a friendly page and a 4xx status."""

    def __init__(self, status: int, title: str, message: str, contacts: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message
        self.contacts = contacts or []  # (name, e-mail) of the people to ask


@dataclass(frozen=True)
class Context:
    organizations: list[Organization]
    scope: Scope

    @property
    def own_teams(self) -> list[dict[str, Any]]:
        """The reader's own teams, for the tabs, when they do not see the whole organization."""
        if self.scope.org_wide:
            return []
        return self.scope.teams[["team_id", "team"]].head(4).to_dict("records")


def error_page(request: HttpRequest, error: PageError) -> HttpResponse:
    context = {
        "title": error.title,
        "message": error.message,
        "dashboard_link": error.status != 403,
        "contacts": error.contacts,
    }
    return render(request, "reports/error.html", context, status=error.status)


def handle_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turns PageError and PageNotFound into friendly pages, so bad query strings never become a 500."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PageError as error:
            return error_page(request, error)
        except PageNotFound as error:
            return error_page(request, PageError(404, "Not found", str(error)))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def new_wave_url(request: HttpRequest, organization: Organization) -> str:
    """Where an admin of the organization opens a wave; empty for everyone else."""
    if not is_org_admin(request.user, organization):
        return ""
    return f"{reverse('surveys:wave_new')}?{urlencode({'org': organization.slug})}"


def no_organization(request: HttpRequest) -> PageError:
    contacts = admins_to_ask(request.user)
    ask = (
        "Ask one of these admins to add you to your team:"
        if contacts
        else "Ask an admin of your organization to add you to your team."
    )
    return PageError(403, "No dashboard for you yet", f"You are not a member of any organization here. {ask}", contacts)


def dashboard_context(request: HttpRequest, organization: Organization | None = None) -> Context:
    """The reader's organizations and what they may see of the chosen one (`?org=<slug>`, else their first)."""
    organizations = list(organizations_for(request.user))
    if not organizations:
        raise no_organization(request)
    if organization is None:
        wanted = request.GET.get("org", "")
        if wanted:
            organization = next((org for org in organizations if org.slug == wanted), None)
            if organization is None:
                raise PageError(404, "Not found", f"There is no organization {wanted[:80]!r} that you can see.")
        else:
            organization = organizations[0]
    elif organization not in organizations:
        raise no_organization(request)
    scope = scope_for(request.user, organization)
    if scope.teams.empty and scope.org_wide:
        raise PageError(
            404,
            "No teams yet",
            f"{organization.name} has no teams yet. Add its teams, and who consumes which platform, in the admin.",
        )
    if scope.teams.empty:
        contacts = admins_to_ask(request.user, organization=organization)
        raise PageError(
            403,
            "No teams to show",
            f"You do not belong to a team of {organization.name} yet, and you are not one of its admins. "
            + ("Ask one of these admins to add you to your team:" if contacts else "Ask an admin to add you to your team."),
            contacts,
        )
    return Context(organizations=organizations, scope=scope)


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    if not value.isdigit() or len(value) > 12:
        raise PageError(400, "Bad request", f"The {name} in the address must be a whole number.")
    return int(value)


def rubric_param(request: HttpRequest) -> str:
    """The rubric a page is scored with: `?rubric=VERSION`, else the current (newest) one. Unknown is a 400."""
    wanted = request.GET.get("rubric", "")
    if wanted == "":
        return load_rubric().version
    versions = available_versions()
    if wanted not in versions:
        raise PageError(400, "Bad request", f"There is no rubric {wanted[:20]!r}; choose one of {', '.join(versions)}.")
    return wanted


def rubric_choices(chosen: str) -> dict[str, Any]:
    """What the rubric picker shows: every bundled rubric, the current one marked, and what the chosen one does."""
    current = load_rubric().version
    choices = [
        {
            "version": version,
            "label": f"Rubric {version}" + (" (current)" if version == current else ""),
            "selected": version == chosen,
        }
        for version in sorted(available_versions(), key=lambda v: (len(v), v))
    ]
    rubric = load_rubric(chosen)
    return {"version": chosen, "current": chosen == current, "choices": choices, "description": rubric.description}


def query(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = {key: value for key, value in request.GET.items() if key != DOWNLOAD}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def figure_script(block: ChartBlock) -> SafeString:
    """The figure as a JSON data block (not a script that runs), which static/reports/charts.js draws."""
    assert block.figure is not None
    payload = block.figure.to_json().translate(_JSON_ESCAPES)
    return format_html('<script type="application/json" id="fig-{}">{}</script>', block.key, SafeString(payload))


def rendered_blocks(request: HttpRequest, blocks: Iterable[ChartBlock]) -> dict[str, dict[str, Any]]:
    return {
        block.key: {
            "key": block.key,
            "title": block.title,
            "description": block.description,
            "script": figure_script(block) if block.figure is not None else "",
            # rendered only if the template shows it (a heat map's long table is replaced by its own grid)
            "table": partial(render_table, block.table, block.columns, max_rows=block.table_rows),
            "rows": len(block.table),
            "csv_url": query(request, **{DOWNLOAD: block.key}),
            **block.extra,
        }
        for block in blocks
    }


def csv_download(request: HttpRequest, blocks: list[ChartBlock], filename: str) -> HttpResponse | None:
    """The CSV of one block when the query string asks for it (`?download=<key>`), else None."""
    key = request.GET.get(DOWNLOAD)
    if not key:
        return None
    block = find_block(blocks, key)
    response = HttpResponse(csv_text(block.table, block.columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{block.key}.csv"'
    return response


def option_tags(choices: Iterable[tuple[object, object]], selected: object) -> SafeString:
    """`<option>`s for a picker that may list every team of an organization, each value and label escaped.

    Built with the standard library's `html.escape` (the same five characters Django escapes): a template
    loop, or `format_html` per option, takes about 25 microseconds an option, a quarter of a second for
    10,000 teams, which is more than the rest of the page."""
    chosen = str(selected)
    return mark_safe(  # noqa: S308 - every value and label is escaped just above
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>{escape(str(label))}</option>'
            for value, label in choices
        )
    )
