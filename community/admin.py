"""Admin for communities, their reviewers and contributors (superusers only: a community spans organizations),
and the received releases, which are read-only: a stored release never changes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessor.admin_scope import OrganizationScoped, Scope
from community.models import Community, CommunityRole, Contributor, ReceivedRelease


class RoleInline(OrganizationScoped, admin.TabularInline):
    organization_path = Scope.DEPLOYMENT
    model = CommunityRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.DEPLOYMENT
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleInline]


@admin.register(Contributor)
class ContributorAdmin(OrganizationScoped, admin.ModelAdmin):
    """Tokens are issued on the community's contributors page or with `issue_contributor_token` (the key is shown
    once); here a contributor's names and link can be corrected, and its token revoked."""

    organization_path = Scope.DEPLOYMENT
    list_display = ["pseudonym", "community", "public_name", "organization", "hint", "last_used_at", "revoked_at"]
    list_filter = ["community"]
    readonly_fields = ["hint", "created_at", "last_used_at"]
    fields = ["community", "pseudonym", "public_name", "organization", "hint", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(ReceivedRelease)
class ReceivedReleaseAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.DEPLOYMENT
    list_display = ["sender", "community", "number", "format_version", "closed_in", "received_at", "document_sha256"]
    list_filter = ["community", "format_version"]
    exclude = ["document"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
