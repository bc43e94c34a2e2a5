"""Admin for score snapshots (read-only), annotations (events drawn on trends), email subscriptions and the sent-email ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessor.admin_scope import OrganizationScoped
from reports.models import Annotation, ScoreSnapshot, SentEmail, Subscription


@admin.register(Annotation)
class AnnotationAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    list_display = ["date", "label", "organization", "team", "group", "created_by"]
    list_filter = ["organization"]
    search_fields = ["label", "details"]
    date_hierarchy = "date"
    autocomplete_fields = ["team", "group"]
    list_select_related = ["organization", "team", "group", "created_by"]

    def save_model(self, request: HttpRequest, obj: Annotation, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Subscription)
class SubscriptionAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    list_display = ["user", "organization", "kind", "frequency", "unsubscribed_at", "updated_at"]
    list_filter = ["kind", "frequency", "organization"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "organization"]


@admin.register(SentEmail)
class SentEmailAdmin(OrganizationScoped, admin.ModelAdmin):
    """Read-only: the ledger is what keeps each email to one send, so it is not edited by hand. A row whose
    delivery was never confirmed (its run died while sending) blocks a resend; deleting it lets the next run
    send that email once more."""

    organization_path = "organization"
    list_display = ["sent_at", "kind", "recipient", "period_key", "organization", "subject", "delivered_at"]
    list_filter = ["kind", ("delivered_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["recipient", "period_key", "subject"]
    date_hierarchy = "sent_at"
    list_select_related = ["organization"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "team__organization"
    list_display = ["team", "wave", "aspect", "score", "level", "respondents", "status", "confidence", "rubric_version"]
    list_filter = ["aspect", "status", "confidence_label", "disagreement", "unverified", "rubric_version", "wave"]
    search_fields = ["team__name", "inputs_hash"]
    list_select_related = ["team", "wave"]
    date_hierarchy = "computed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ScoreSnapshot | None = None) -> bool:
        return False
