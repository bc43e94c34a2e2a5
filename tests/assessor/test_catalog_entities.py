"""Reading catalog entities into the organization they describe: pure, no database."""

from pathlib import Path
from typing import Any

import pytest

from assessor.catalog.entities import CatalogInvalid, KindRules, parse_kind_types, plan_catalog
from assessor.catalog.refs import parse_ref
from assessor.catalog.source import read_entities

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
RULES = KindRules(annotation="assessor/team-kind", types={"platform": "platform", "infrastructure": "infrastructure"})


def group(name: str, **spec: Any) -> dict[str, Any]:
    return {"kind": "Group", "metadata": {"name": name}, "spec": {"type": "team", "children": [], **spec}}


def component(name: str, owner: str, **spec: Any) -> dict[str, Any]:
    return {"kind": "Component", "metadata": {"name": name}, "spec": {"type": "service", "owner": owner, **spec}}


def test_it_writes_references_out_in_full_and_lower_case():
    assert parse_ref("Checkout", default_kind="group") == "group:default/checkout"
    assert parse_ref("resource:prod-eu-1", default_kind="component") == "resource:default/prod-eu-1"
    assert parse_ref("API:payments/Orders", default_kind="api") == "api:payments/orders"
    with pytest.raises(ValueError):
        parse_ref("group:", default_kind="group")


def test_it_reads_the_kind_mapping_and_refuses_an_unknown_kind():
    assert parse_kind_types("platform=platform, infra=infrastructure") == {
        "platform": "platform",
        "infra": "infrastructure",
    }
    with pytest.raises(ValueError, match="infra=ops"):
        parse_kind_types("infra=ops")


def test_the_annotation_wins_over_the_type_and_application_is_the_default():
    annotated = group("sec", type="platform")
    annotated["metadata"]["annotations"] = {"assessor/team-kind": "infrastructure"}
    plan = plan_catalog([annotated, group("ops", type="platform"), group("shop")], rules=RULES)
    assert {team.slug: team.kind for team in plan.teams} == {
        "sec": "infrastructure",
        "ops": "platform",
        "shop": "application",
    }


def test_groups_with_child_groups_group_teams():
    plan = plan_catalog(
        [group("company", children=["customer"]), group("customer", parent="company"), group("shop", parent="customer")],
        rules=RULES,
    )
    assert [g.slug for g in plan.groups] == ["customer"]
    assert [(t.slug, t.group_ref) for t in plan.teams] == [("shop", "group:default/customer")]
    assert plan.notes == ("group:default/company: above the groups of teams, left out",)


def test_a_link_needs_an_application_team_using_what_a_provider_team_owns_or_provides():
    plan = plan_catalog(
        [
            group("shop"),
            group("search"),
            group("paas", type="platform"),
            component("web", "shop", consumesApis=["deploy"], dependsOn=["component:indexer"]),
            component("indexer", "search"),
            component("portal", "search", providesApis=["deploy"]),
            {"kind": "API", "metadata": {"name": "deploy"}, "spec": {"owner": "paas"}},
        ],
        rules=RULES,
    )
    assert [(link.consumer_ref, link.provider_ref) for link in plan.links] == [("group:default/shop", "group:default/paas")]
    assert plan.links[0].provenance == (
        {"entity": "component:default/web", "relation": "consumesApi", "target": "api:default/deploy"},
    )


def test_an_api_provided_by_another_teams_component_links_to_that_team_too():
    plan = plan_catalog(
        [
            group("shop"),
            group("paas", type="platform"),
            group("infra", type="infrastructure"),
            component("web", "shop", consumesApis=["deploy"]),
            component("runner", "infra", providesApis=["api:deploy"]),
            {"kind": "API", "metadata": {"name": "deploy"}, "spec": {"owner": "paas"}},
        ],
        rules=RULES,
    )
    links = {link.provider_ref: link.provenance for link in plan.links}
    assert set(links) == {"group:default/paas", "group:default/infra"}
    assert {"entity": "component:default/runner", "relation": "providesApi", "target": "api:default/deploy"} in links[
        "group:default/infra"
    ]


def test_repositories_come_from_the_project_slug_or_a_github_source_location():
    with_slug = component("web", "shop")
    with_slug["metadata"]["annotations"] = {"github.com/project-slug": "acme/web"}
    with_location = component("api", "shop")
    with_location["metadata"]["annotations"] = {
        "backstage.io/source-location": "url:https://github.com/acme/api-server/tree/main/"
    }
    elsewhere = component("legacy", "shop")
    elsewhere["metadata"]["annotations"] = {"backstage.io/source-location": "url:https://gitlab.example/acme/old/"}
    plan = plan_catalog([group("shop"), with_slug, with_location, elsewhere], rules=RULES)
    assert [(repo.github_full_name, repo.team_ref) for repo in plan.repositories] == [
        ("acme/api-server", "group:default/shop"),
        ("acme/web", "group:default/shop"),
    ]


def test_users_become_memberships_with_email_and_github_login():
    user = {
        "kind": "User",
        "metadata": {"name": "ada", "annotations": {"github.com/user-login": "ada-l"}},
        "spec": {"profile": {"email": "ada@example.com"}, "memberOf": ["shop"]},
    }
    (member,) = plan_catalog([group("shop"), user], rules=RULES).members
    assert (member.username, member.email, member.github_login, member.team_ref) == (
        "ada",
        "ada@example.com",
        "ada-l",
        "group:default/shop",
    )


def test_every_problem_is_reported_with_its_entity_ref():
    with pytest.raises(CatalogInvalid) as caught:
        plan_catalog(
            [
                group("shop"),
                {"kind": "Widget", "metadata": {"name": "w"}},
                component("web", "shop", dependsOn=["resource:missing-db"]),
                component("api", "nobody"),
                component("orphan", ""),
                "not an entity",
            ],
            rules=RULES,
        )
    assert caught.value.errors == [
        "component:default/api: owner group:default/nobody is not in the catalog",
        "component:default/orphan: has no spec.owner",
        "component:default/web: dependsOn resource:default/missing-db is not in the catalog",
        "entity #6: not an entity with kind and metadata.name",
        "widget:default/w: unknown kind 'Widget'",
    ]


def test_malformed_yaml_is_refused_with_the_file_and_line(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text("kind: Group\nmetadata: {name: shop\n")
    with pytest.raises(CatalogInvalid, match=r"catalog-info.yaml: Not valid YAML at line \d"):
        read_entities(str(tmp_path))


def test_the_demo_catalog_describes_the_demo_organization():
    from assessor.demo import GROUPS, TEAMS

    plan = plan_catalog(read_entities(str(FIXTURES / "northwind.yaml")), rules=RULES)
    assert {g.slug: g.name for g in plan.groups} == GROUPS
    assert {(t.slug, t.name, t.kind, t.group_ref, t.description) for t in plan.teams} == {
        (t.slug, t.name, t.kind, f"group:default/{t.group}", t.description) for t in TEAMS
    }
    assert {(link.consumer_ref, link.provider_ref) for link in plan.links} == {
        (f"group:default/{t.slug}", f"group:default/{provider}") for t in TEAMS for provider in t.provider_slugs
    }
