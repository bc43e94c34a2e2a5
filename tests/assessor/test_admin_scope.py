"""The admin shows a staff user only the organizations they administer, for every registered model.

One world for the whole module: organizations Alpha (which Alice administers) and Bravo (where she is only a
member), each with one row of every model the admin lists. Alice holds every model permission, so whatever she
cannot reach is kept from her by the organization scope alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse

from assessor.admin_scope import OrganizationScoped, Scope
from assessor.maturity import read_model_file
from assessor.models import Cluster, Consumption, Membership, ModelVersion, Organization, Repository, Team, TeamGroup
from assessor.services import model_load
from collectors.models import CIToken, CollectionRun, Evaluation, Evidence, Signal, SourceState, SurveyIssue, Waiver, WaiverEvent
from reports.models import Annotation, ScoreSnapshot, SentEmail, Subscription
from surveys.models import Answer, Invitation, Response, Wave
from tests.reports.factories import load_instrument, person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REGISTRY = admin.site._registry
SCOPED = sorted(
    (model for model, model_admin in REGISTRY.items() if isinstance(getattr(model_admin, "organization_path", None), str)),
    key=lambda model: model._meta.label,
)


@dataclass
class World:
    alpha: dict[type[models.Model], Any] = field(default_factory=dict)
    bravo: dict[type[models.Model], Any] = field(default_factory=dict)
    alice: Any = None  # staff, admin of Alpha, plain member of Bravo, every model permission
    alice_in_bravo: Membership | None = None
    root: Any = None


def _organization(world_rows: dict[type[models.Model], Any], name: str, instrument: Any) -> None:
    """One row of every organization-scoped model, every name starting with the organization's."""
    org = Organization.objects.create(name=f"{name} Org", slug=name.lower())
    group = TeamGroup.objects.create(organization=org, name=f"{name} Shop", slug="shop")
    platform = Team.objects.create(organization=org, name=f"{name} Platform", slug="platform", kind="platform")
    app = Team.objects.create(organization=org, name=f"{name} Checkout", slug="checkout", kind="application", group=group)
    consumption = Consumption.objects.create(consumer=app, provider=platform)
    user = person(f"{name.lower()}-dev")
    membership = Membership.objects.create(user=user, organization=org, team=app, role=Membership.Role.MEMBER)
    repository = Repository.objects.create(team=app, name=f"{name} shop", github_full_name=f"{name.lower()}/shop")
    cluster = Cluster.objects.create(team=platform, name=f"{name} prod", snapshot_path="/nowhere.json")
    token = CIToken.objects.create(repository=repository, label=f"{name} pipeline", token_hash=f"{name:x<64}", hint=name[:8])
    run = CollectionRun.objects.create(team=app, repository=repository, source_key=f"repo-{repository.pk}", collector="git")
    signal = Signal.objects.create(
        run=run, team=app, repository=repository, source_key=run.source_key, collector="git", key=f"{name}.key",
        value=True, observed_at=NOW,
    )  # fmt: skip
    evaluation = Evaluation.objects.create(team=app, rules_version="1", evaluated_at=NOW, run=run, signal_count=1)
    evidence = Evidence.objects.create(
        evaluation=evaluation, team=app, aspect="interfaces", level=2, direction="supports", weight=1.0,
        rule_key=f"{name}.rule", rules_version="1", explanation=f"{name} evidence", observed_at=NOW,
    )  # fmt: skip
    evidence.signals.add(signal)
    issue = SurveyIssue.objects.create(repository=repository, number=7, author=f"{name.lower()}-stranger", title=f"{name} issue")
    waiver = Waiver.objects.create(team=app, rule_key=f"{name}.rule", reason=f"{name} does not run that", created_at=NOW)
    WaiverEvent.objects.create(waiver=waiver, action="created", by_name=f"{name.lower()}-dev", at=NOW, via="page")
    wave = Wave.objects.create(
        organization=org, instrument=instrument, name=f"{name} wave", opens_at=NOW, closes_at=NOW + timedelta(days=30)
    )
    wave.teams.set([app, platform])
    invitation = Invitation.issue(wave=wave, team=app, role="app_developer", label=f"{name} link")
    invitation.save()
    response = Response.objects.create(wave=wave, team=app, role="app_developer", updated_at=NOW, invitation=invitation)
    question = instrument.questions.order_by("position").first()
    answer = Answer.objects.create(response=response, question=question, value="x", value_text=f"{name} answer", updated_at=NOW)
    snapshot = ScoreSnapshot.objects.create(
        wave=wave, team=app, aspect="interfaces", rubric_version="1", inputs_hash=name, computed_at=NOW, score=2.0,
        level=2, respondents=3, spread=0.0, status="no_evidence", confidence=0.5, confidence_label="medium",
    )  # fmt: skip
    annotation = Annotation.objects.create(organization=org, date=NOW.date(), label=f"{name} portal launched", team=app)
    subscription = Subscription.objects.create(user=user, organization=org, kind="digest")
    sent = SentEmail.objects.create(
        recipient=user.email, kind="digest", period_key=f"{name}-week", organization=org, subject=f"{name} digest", sent_at=NOW
    )
    for row in (
        org,
        group,
        app,
        consumption,
        membership,
        repository,
        cluster,
        token,
        run,
        signal,
        evaluation,
        evidence,
        issue,
        waiver,
    ):
        world_rows[type(row)] = row
    for row in (wave, invitation, response, answer, snapshot, annotation, subscription, sent):
        world_rows[type(row)] = row
    world_rows[type(user)] = user
    world_rows["platform"] = platform  # type: ignore[index]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Built once for the module inside a transaction that is rolled back at its end; each test runs in a
    savepoint of its own, so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        model_load(spec=read_model_file(settings.MATURITY_MODEL_FILE))
        instrument = load_instrument()
        built = World()
        _organization(built.alpha, "Alpha", instrument)
        _organization(built.bravo, "Bravo", instrument)
        SourceState.objects.create(source_key="repo-1", collector="git")
        built.alice = person("alice", is_staff=True)
        built.alice.user_permissions.set(Permission.objects.all())
        Membership.objects.create(user=built.alice, organization=built.alpha[Organization], role=Membership.Role.ADMIN)
        built.alice_in_bravo = Membership.objects.create(
            user=built.alice, organization=built.bravo[Organization], team=built.bravo[Team], role=Membership.Role.MEMBER
        )
        built.root = person("root", is_staff=True, is_superuser=True)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def alice(client: Any, world: World) -> Any:
    client.force_login(world.alice)
    return client


def url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def listed(client: Any, model: type[models.Model]) -> set[Any]:
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


class _BrowserForm(HTMLParser):
    """What a browser sends for the admin's change form: inputs, ticked boxes, selected options, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("id", "").endswith("_form"):
            self._inside = True
        name = found.get("name")
        if not self._inside or (not name and tag != "option"):
            return
        if tag == "input":
            kind = found.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset") or (
                kind in ("checkbox", "radio") and "checked" not in found
            ):
                return
            self._add(name, found.get("value", "on"))  # type: ignore[arg-type]
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self._add(self._select, found.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def browser_form(html: str) -> dict[str, list[str]]:
    parser = _BrowserForm()
    parser.feed(html)
    return parser.data


def test_every_registered_admin_and_inline_declares_its_scope():
    undeclared = [
        f"{model._meta.label} ({type(model_admin).__name__})"
        for model, model_admin in REGISTRY.items()
        if not isinstance(model_admin, OrganizationScoped) or not isinstance(model_admin.organization_path, str | Scope)
    ]
    undeclared += [
        f"{inline.__name__} in {type(model_admin).__name__}"
        for model_admin in REGISTRY.values()
        for inline in model_admin.inlines
        if not issubclass(inline, OrganizationScoped) or not isinstance(getattr(inline, "organization_path", None), str | Scope)
    ]
    assert undeclared == []
    assert len(SCOPED) >= 20, "the organization-scoped models are found"


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_the_changelist_holds_only_the_administered_organizations_rows(alice, world, model):
    rows = listed(alice, model)
    assert world.alpha[model].pk in rows
    assert world.bravo[model].pk not in rows
    assert "Bravo" not in alice.get(url(model, "changelist")).content.decode(), "no Bravo row, filter choice or name"


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_another_organizations_row_is_not_found_however_it_is_asked_for(alice, world, model):
    theirs, ours = world.bravo[model].pk, world.alpha[model].pk

    assert alice.get(url(model, "change", ours)).status_code == 200
    for view in ("change", "delete", "history"):
        assert alice.get(url(model, view, theirs)).status_code == 404, view
    assert alice.post(url(model, "change", theirs), {"_save": "Save"}).status_code == 404
    assert alice.post(url(model, "delete", theirs), {"post": "yes"}).status_code == 404
    assert model._default_manager.filter(pk=theirs).exists()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_a_bulk_action_on_another_organizations_row_touches_nothing(alice, world, model):
    theirs = world.bravo[model]
    before = model._default_manager.filter(pk=theirs.pk).values().get()
    actions = ["delete_selected", *(name for name in REGISTRY[model].actions or [] if isinstance(name, str))]

    for action in actions:
        alice.post(url(model, "changelist"), {"action": action, "_selected_action": [theirs.pk], "post": "yes"})

    assert model._default_manager.filter(pk=theirs.pk).values().get() == before


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_a_superuser_sees_both_organizations(client, world, model):
    client.force_login(world.root)

    assert listed(client, model) >= {world.alpha[model].pk, world.bravo[model].pk}
    assert client.get(url(model, "change", world.bravo[model].pk)).status_code == 200


def _related_choice_fields(form: Any) -> dict[str, Any]:
    return {name: f for name, f in form.fields.items() if hasattr(f, "queryset") and f.queryset.model in SCOPED}


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_another_organizations_rows_cannot_be_picked_in_a_related_field(alice, world, model):
    """Each related field offers Alpha's row and not Bravo's; posting Bravo's id is a form error, nothing saved."""
    ours = world.alpha[model]
    page = alice.get(url(model, "change", ours.pk))
    adminform = page.context["adminform"]
    fields = _related_choice_fields(adminform.form)
    for name, choice in fields.items():
        related = choice.queryset.model
        assert choice.queryset.filter(pk=world.alpha[related].pk).exists(), name
        assert not choice.queryset.filter(pk=world.bravo[related].pk).exists(), name

        data = browser_form(page.content.decode())
        data[name] = [str(world.bravo[related].pk)]
        response = alice.post(url(model, "change", ours.pk), {**data, "_save": "Save"})

        assert response.status_code == 200, f"{name}: saved"
        assert name in response.context["adminform"].form.errors, name
    if fields:
        after = model._default_manager.get(pk=ours.pk)
        assert all(
            getattr(after, model._meta.get_field(n).attname) == getattr(ours, model._meta.get_field(n).attname)
            for n in fields
            if not model._meta.get_field(n).many_to_many
        )


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_an_inline_row_cannot_point_at_another_organization(alice, world, model):
    ours = world.alpha[model]
    page = alice.get(url(model, "change", ours.pk))
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        if not inline.has_add_permission:
            continue
        for name, choice in _related_choice_fields(formset.empty_form).items():
            if name in (formset.fk.name, formset.model._meta.pk.name):
                continue
            data = browser_form(page.content.decode())
            index = int(data[f"{formset.prefix}-TOTAL_FORMS"][0])
            data[f"{formset.prefix}-TOTAL_FORMS"] = [str(index + 1)]
            data[f"{formset.prefix}-{index}-{name}"] = [str(world.bravo[choice.queryset.model].pk)]
            data[f"{formset.prefix}-{index}-{formset.fk.name}"] = [str(ours.pk)]
            response = alice.post(url(model, "change", ours.pk), {**data, "_save": "Save"})

            assert response.status_code == 200, f"{formset.prefix}-{name}: saved"
            posted = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == formset.prefix)
            assert name in posted.forms[index].errors, f"{formset.prefix}-{name}"


def test_the_team_inline_really_is_checked(alice, world):
    """The inline test above has something to post: the team page's link to the platforms it consumes."""
    page = alice.get(url(Team, "change", world.alpha[Team].pk))
    prefixes = {i.formset.prefix for i in page.context["inline_admin_formsets"] if i.has_add_permission}
    assert "provider_links" in prefixes


def test_alice_cannot_add_a_membership_in_another_organization(alice, world):
    for role in (Membership.Role.ADMIN, Membership.Role.MEMBER):
        data = {"user": world.alice.pk, "organization": world.bravo[Organization].pk, "team": world.bravo[Team].pk, "role": role}
        response = alice.post(url(Membership, "add"), data)

        assert response.status_code == 200
        assert set(response.context["adminform"].form.errors) >= {"organization", "team"}
    assert not Membership.objects.filter(user=world.alice, organization=world.bravo[Organization], role="admin").exists()


def test_alice_can_add_a_membership_in_her_own_organization(alice, world):
    """The refusal above is the scope's doing, not a broken form."""
    data = {"user": world.alpha[type(world.alice)].pk, "organization": world.alpha[Organization].pk, "role": "viewer"}

    response = alice.post(url(Membership, "add"), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Membership.objects.filter(user=world.alpha[type(world.alice)], role="viewer").exists()


def test_alice_cannot_make_herself_admin_where_she_is_only_a_member(alice, world):
    mine = world.alice_in_bravo
    data = {"user": world.alice.pk, "organization": mine.organization_id, "team": mine.team_id, "role": "admin"}

    assert alice.get(url(Membership, "change", mine.pk)).status_code == 404
    assert alice.post(url(Membership, "change", mine.pk), data).status_code == 404
    mine.refresh_from_db()
    assert mine.role == Membership.Role.MEMBER


def test_alice_cannot_move_a_row_into_another_organization(alice, world):
    team = world.alpha[Team]
    data = {"name": team.name, "slug": "moved", "kind": team.kind, "organization": world.bravo[Organization].pk}
    for prefix in ("provider_links", "repositories", "clusters"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}

    response = alice.post(url(Team, "change", team.pk), data)

    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert Team.objects.get(pk=team.pk).organization_id == world.alpha[Organization].pk


def test_alice_cannot_start_an_organization(alice):
    assert alice.get(url(Organization, "add")).status_code == 403


def test_autocomplete_offers_only_the_administered_organizations_rows(alice, world):
    def offered(model: type[models.Model], field_name: str) -> set[str]:
        params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name}
        response = alice.get(reverse("admin:autocomplete"), {**params, "term": ""})
        assert response.status_code == 200
        return {row["text"] for row in response.json()["results"]}

    assert offered(Membership, "team") == {"Alpha Checkout", "Alpha Platform"}
    assert offered(Membership, "user") == {"alice", "alpha-dev"}
    assert offered(Repository, "team") == {"Alpha Checkout", "Alpha Platform"}


def test_a_raw_id_lookup_lists_only_the_administered_organizations_people(alice, world):
    user_model = type(world.alice)
    response = alice.get(url(user_model, "changelist"), {"_to_field": "id", "_popup": "1"})

    assert response.status_code == 200
    assert {user.username for user in response.context["cl"].result_list} == {"alice", "alpha-dev"}


def test_people_are_looked_up_but_not_edited_by_an_organizations_admin(alice, world):
    someone = world.alpha[type(world.alice)]
    page = alice.get(url(type(someone), "change", someone.pk))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert alice.post(url(type(someone), "change", someone.pk), {"username": "x", "is_superuser": "on"}).status_code == 403
    assert alice.get(reverse("admin:auth_user_password_change", args=[someone.pk])).status_code == 403
    assert alice.get(url(type(world.alice), "change", world.root.pk)).status_code == 404


def test_the_maturity_model_is_read_by_staff_and_changed_only_by_superusers(alice, world):
    version = ModelVersion.objects.first()

    assert alice.get(url(ModelVersion, "changelist")).status_code == 200
    assert 'name="_save"' not in alice.get(url(ModelVersion, "change", version.pk)).content.decode()
    assert alice.get(url(ModelVersion, "add")).status_code == 403
    assert alice.post(url(ModelVersion, "delete", version.pk), {"post": "yes"}).status_code == 403


@pytest.mark.parametrize(
    "model", [model for model, a in REGISTRY.items() if a.organization_path is Scope.DEPLOYMENT], ids=lambda m: m._meta.label
)
def test_deployment_wide_tables_are_for_superusers_only(alice, world, model):
    assert alice.get(url(model, "changelist")).status_code == 403
    apps = alice.get(reverse("admin:index")).context["available_apps"]
    assert model not in {entry["model"] for app in apps for entry in app["models"]}


def test_the_deployment_wide_tables_include_groups_and_collector_state():
    deployment = {model for model, a in REGISTRY.items() if a.organization_path is Scope.DEPLOYMENT}
    assert {Group, SourceState} <= deployment


def test_saving_refuses_a_row_of_another_organization_whatever_the_form_let_through(rf, world):
    """The last check before the database, for a form field the choices did not narrow."""
    request = rf.post("/")
    request.user = world.alice
    team = Team.objects.get(pk=world.alpha[Team].pk)
    team.organization = world.bravo[Organization]

    with pytest.raises(PermissionDenied):
        REGISTRY[Team].save_model(request, team, form=None, change=True)
    assert Team.objects.get(pk=team.pk).organization_id == world.alpha[Organization].pk


def test_a_staff_user_who_administers_no_organization_reaches_none_of_its_rows(client, world):
    """Bravo's developer, made staff with every model permission, is still only a member of Bravo."""
    developer = world.bravo[type(world.alice)]
    developer.is_staff = True
    developer.save(update_fields=["is_staff"])
    developer.user_permissions.set(Permission.objects.all())
    client.force_login(developer)

    reached = [model._meta.label for model in SCOPED if client.get(url(model, "changelist")).status_code != 403]
    assert reached == []
    assert client.get(url(Membership, "add")).status_code == 403
    assert client.get(url(Team, "change", world.bravo[Team].pk)).status_code == 404
