"""Admin for collection runs, signals (read-only), source state, evidence with links to its signals, CI tokens,
the queue of survey issues held for review, and waivers with their audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from assessor.admin_scope import OrganizationScoped, Scope
from collectors.issueforms import SurveyQueueError, survey_issue_accept, survey_issue_reject
from collectors.models import CIToken, CollectionRun, Evaluation, Evidence, Signal, SourceState, SurveyIssue, Waiver, WaiverEvent
from collectors.waivers import waiver_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    """Collected data is a record of what was observed: it is looked at here, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CollectionRun)
class CollectionRunAdmin(OrganizationScoped, ReadOnlyAdmin):
    organization_path = "team__organization"
    list_display = [
        "id",
        "started_at",
        "collector",
        "source",
        "team",
        "status",
        "signal_count",
        "api_calls",
        "rate_limit_remaining",
    ]
    list_filter = ["status", "collector", "trigger", "team__organization"]
    search_fields = ["team__name", "repository__name", "repository__github_full_name", "cluster__name", "error"]
    list_select_related = ["team", "repository", "cluster"]
    date_hierarchy = "started_at"
    readonly_fields = ["signals_link"]

    @admin.display(description="Signals")
    def signals_link(self, obj: CollectionRun) -> str:
        url = reverse("admin:collectors_signal_changelist") + f"?run__id__exact={obj.pk}"
        return format_html('<a href="{}">{} signals of this run</a>', url, obj.signal_count)


@admin.register(Signal)
class SignalAdmin(OrganizationScoped, ReadOnlyAdmin):
    organization_path = "team__organization"
    list_display = ["key", "value", "team", "subject", "namespace", "collector", "observed_at", "run_link"]
    list_filter = ["collector", "team__organization", "team"]
    search_fields = ["key", "subject", "path", "namespace", "team__name"]
    list_select_related = ["team", "run"]
    readonly_fields = ["evidence_links"]

    @admin.display(description="Run")
    def run_link(self, obj: Signal) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:collectors_collectionrun_change", args=[obj.run_id]), obj.run_id)

    @admin.display(description="Evidence that cites it")
    def evidence_links(self, obj: Signal) -> str:
        items = obj.evidence.all()[:50]
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:collectors_evidence_change", args=[e.pk]), e.rule_key) for e in items),
            )
            or "none"
        )


@admin.register(SourceState)
class SourceStateAdmin(OrganizationScoped, ReadOnlyAdmin):
    organization_path = Scope.DEPLOYMENT
    list_display = ["source_key", "collector", "updated_at"]
    list_filter = ["collector"]
    search_fields = ["source_key"]


class EvidenceInline(OrganizationScoped, admin.TabularInline):
    organization_path = "team__organization"
    model = Evidence
    extra = 0
    fields = ["aspect", "level", "direction", "weight", "rule_key", "explanation"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(OrganizationScoped, ReadOnlyAdmin):
    organization_path = "team__organization"
    list_display = ["id", "team", "rules_version", "evaluated_at", "signal_count", "changed"]
    list_filter = ["changed", "rules_version", "team__organization"]
    search_fields = ["team__name"]
    list_select_related = ["team"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(OrganizationScoped, ReadOnlyAdmin):
    organization_path = "team__organization"
    list_display = ["team", "aspect", "level", "direction", "weight", "rule_key", "observed_at", "evaluation"]
    list_filter = ["aspect", "direction", "level", "rules_version", "team__organization"]
    search_fields = ["team__name", "rule_key", "explanation"]
    list_select_related = ["team", "evaluation"]
    readonly_fields = ["signal_links"]
    exclude = ["signals"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).prefetch_related("signals")

    @admin.display(description="Signals behind it")
    def signal_links(self, obj: Evidence) -> str:
        return (
            format_html_join(
                "<br>",
                '<a href="{}">{} = {}</a> <span class="help">({})</span>',
                (
                    (reverse("admin:collectors_signal_change", args=[s.pk]), s.key, str(s.value), s.subject)
                    for s in obj.signals.all()
                ),
            )
            or "none"
        )


@admin.register(CIToken)
class CITokenAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "repository__team__organization"
    list_display = ["hint", "repository", "label", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["repository__team__organization"]
    search_fields = ["label", "repository__name", "repository__github_full_name"]
    list_select_related = ["repository"]
    fields = ["repository", "label", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["repository", "hint", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tokens are issued with `manage.py issue_ci_token`, which shows the secret once.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[CIToken]) -> None:
        from django.utils import timezone

        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} tokens revoked.")


@admin.register(SurveyIssue)
class SurveyIssueAdmin(OrganizationScoped, admin.ModelAdmin):
    """The queue of survey issues from people not known to be team members: accept (imports it) or reject."""

    organization_path = "repository__team__organization"

    list_display = ["number", "repository", "team", "author", "association", "title", "status", "received_at", "decided_by"]
    list_filter = ["status", "repository__team__organization"]
    search_fields = ["author", "title", "repository__name", "repository__github_full_name"]
    list_select_related = ["repository__team", "decided_by"]
    fields = [
        "repository",
        "number",
        "url",
        "author",
        "association",
        "opened_at",
        "received_at",
        "title",
        "body",
        "status",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    actions = ["accept", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from collection runs

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a decision is kept as the record of who decided

    @admin.display(description="Team")
    def team(self, obj: SurveyIssue) -> str:
        return str(obj.repository.team)

    def _decide(self, request: HttpRequest, queryset: QuerySet[SurveyIssue], decide: Callable[..., str]) -> None:
        for item in queryset.select_related("repository__team__organization"):
            try:
                message = decide(item=item, user=request.user)
            except SurveyQueueError as exc:
                self.message_user(request, str(exc), level=messages.WARNING)
            else:
                self.message_user(request, message)

    @admin.action(description="Accept the selected issues and import them as responses")
    def accept(self, request: HttpRequest, queryset: QuerySet[SurveyIssue]) -> None:
        self._decide(request, queryset, survey_issue_accept)

    @admin.action(description="Reject the selected issues (never imported)")
    def reject(self, request: HttpRequest, queryset: QuerySet[SurveyIssue]) -> None:
        self._decide(request, queryset, survey_issue_reject)


class WaiverEventInline(OrganizationScoped, admin.TabularInline):
    organization_path = "waiver__team__organization"
    model = WaiverEvent
    fields = ["action", "by_name", "at", "via"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Waiver)
class WaiverAdmin(OrganizationScoped, admin.ModelAdmin):
    """Waivers are made on the team page or through the API, where the rule, reason and expiry are checked;
    here they are looked at, with who did what, and revoked. They are never deleted, so the trail stays."""

    organization_path = "team__organization"
    list_display = ["rule_key", "team", "repository", "reason", "expires_at", "created_by", "created_at", "revoked_at"]
    list_filter = ["team__organization", "rule_key"]
    search_fields = ["rule_key", "reason", "team__name", "repository__name"]
    list_select_related = ["team", "repository", "created_by"]
    fields = [
        "team",
        "repository",
        "rule_key",
        "reason",
        "expires_at",
        "created_by",
        "created_at",
        "revoked_by",
        "revoked_at",
        "lapsed_at",
    ]
    readonly_fields = fields
    inlines = [WaiverEventInline]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Revoke the selected waivers")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Waiver]) -> None:
        waivers = list(queryset.filter(revoked_at=None))
        for waiver in waivers:
            waiver_revoke(waiver=waiver, by=request.user, via="admin")
        self.message_user(request, f"{len(waivers)} waivers revoked; the rules count again.")
