"""Admin for instruments (read-only, loaded from files), waves, invitation links, responses and answers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from assessor.admin_scope import OrganizationScoped, Scope
from surveys import selectors
from surveys.forms import WaveAdminForm
from surveys.models import Answer, Instrument, Invitation, Question, Response, Wave
from surveys.services import InvitationsRefused, invitation_fresh, invitation_new_link, invitations_create


class ReadOnlyMixin:
    """Rows written by the survey itself (loaders, forms, imports): viewable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionInline(OrganizationScoped, ReadOnlyMixin, admin.TabularInline):
    organization_path = Scope.SHARED
    model = Question
    fields = ["position", "key", "section", "qtype", "aspect", "perspective", "capability", "roles", "required", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(OrganizationScoped, ReadOnlyMixin, admin.ModelAdmin):
    organization_path = Scope.SHARED
    list_display = ["title", "key", "version", "source", "question_count", "wave_count", "loaded_at"]
    list_filter = ["source", "key"]
    search_fields = ["key", "title"]
    fields = ["key", "version", "title", "description", "model_version", "source", "content_hash", "loaded_at"]
    readonly_fields = fields
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instrument]:
        return (
            super()
            .get_queryset(request)
            .annotate(question_total=Count("questions", distinct=True), wave_total=Count("waves", distinct=True))
        )

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, obj: Instrument) -> int:
        return obj.question_total  # type: ignore[attr-defined]

    @admin.display(description="Waves", ordering="wave_total")
    def wave_count(self, obj: Instrument) -> int:
        return obj.wave_total  # type: ignore[attr-defined]


@admin.register(Wave)
class WaveAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    form = WaveAdminForm
    list_display = [
        "name",
        "organization",
        "instrument",
        "opens_at",
        "closes_at",
        "state",
        "anonymous",
        "team_count",
        "link_count",
        "submitted_count",
        "links",
    ]
    list_filter = ["organization", "instrument", "anonymous"]
    list_select_related = ["organization", "instrument"]
    search_fields = ["name", "organization__name"]
    filter_horizontal = ["teams"]
    date_hierarchy = "opens_at"
    actions = ["create_invitations"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Wave]:
        return selectors.with_wave_counts(super().get_queryset(request))

    @admin.display(description="Status")
    def state(self, obj: Wave) -> str:
        return obj.state(timezone.now()).capitalize()

    @admin.display(description="Teams", ordering="team_count")
    def team_count(self, obj: Wave) -> int:
        return obj.team_count  # type: ignore[attr-defined]

    @admin.display(description="Links", ordering="link_count")
    def link_count(self, obj: Wave) -> int:
        return obj.link_count  # type: ignore[attr-defined]

    @admin.display(description="Submitted", ordering="submitted_count")
    def submitted_count(self, obj: Wave) -> int:
        return obj.submitted_count  # type: ignore[attr-defined]

    @admin.display(description="Invitation links")
    def links(self, obj: Wave) -> str:
        return format_html('<a href="{}">Links and status</a>', reverse("surveys:wave_invitations", args=[obj.pk]))

    @admin.action(description="Create one invitation link per team and fitting role")
    def create_invitations(self, request: HttpRequest, queryset: QuerySet[Wave]) -> None:
        for wave in queryset:
            try:
                created = invitations_create(wave=wave, per_role=1)
            except InvitationsRefused as exc:
                self.message_user(request, f"{wave}: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"{wave}: created {len(created)} links. See them under “Invitation links”.")


@admin.register(Invitation)
class InvitationAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "wave__organization"
    list_display = ["team", "role", "wave", "label", "membership", "status", "created_at", "opened_at", "revoked_at"]
    list_filter = ["wave", "role", "team__kind", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["team", "wave", "response", "membership__user", "membership__team", "membership__organization"]
    search_fields = ["team__name", "label", "wave__name"]
    fields = ["wave", "team", "role", "label", "membership", "link", "created_at", "opened_at", "revoked_at", "token_hash"]
    # a person's link is made from their membership on the wave's people page, never typed in here
    readonly_fields = ["link", "membership", "created_at", "opened_at", "revoked_at", "token_hash"]
    actions = ["revoke_links", "regenerate_links", "fresh_invitations"]

    @admin.display(description="Status")
    def status(self, obj: Invitation) -> str:
        return selectors.invitation_status(obj, selectors.invitation_response(obj)).replace("_", " ").capitalize()

    @admin.display(description="Link")
    def link(self, obj: Invitation) -> str:
        if not obj.pk:
            return "Created when saved."
        return obj.path() if obj.revoked_at is None else "Withdrawn"

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if not change:
            obj.set_new_token()
        super().save_model(request, obj, form, change)

    @admin.action(description="Withdraw the selected links")
    def revoke_links(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Withdrew {count} links.")

    @admin.action(description="New links for the same people (answers kept, old links stop working)")
    def regenerate_links(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        invitations = list(queryset)
        for invitation in invitations:
            invitation_new_link(invitation=invitation)
        self.message_user(request, f"Replaced {len(invitations)} links; each opens the same answers as before.")

    @admin.action(description="Fresh invitations in place of the selected withdrawn links (empty, for someone else)")
    def fresh_invitations(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        created, refused = 0, []
        for invitation in queryset.select_related("team", "wave"):
            try:
                invitation_fresh(invitation=invitation)
            except InvitationsRefused as exc:
                refused.append(f"{invitation}: {exc}")
            else:
                created += 1
        self.message_user(request, f"Created {created} fresh invitations; the withdrawn links keep their answers.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)


class AnswerInline(OrganizationScoped, ReadOnlyMixin, admin.TabularInline):
    organization_path = "response__wave__organization"
    model = Answer
    fields = ["question", "value_text", "level", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Answer]:
        return super().get_queryset(request).select_related("question").order_by("question__position")


@admin.register(Response)
class ResponseAdmin(OrganizationScoped, ReadOnlyMixin, admin.ModelAdmin):
    organization_path = "wave__organization"
    list_display = ["pk", "team", "wave", "role", "status", "source", "answer_count", "updated_at", "submitted_at"]
    list_filter = ["status", "wave", "team", "role", "source"]
    list_select_related = ["team", "wave"]
    search_fields = ["team__name", "wave__name", "external_id"]
    readonly_fields = [
        "wave",
        "team",
        "invitation",
        "role",
        "status",
        "version",
        "respondent",
        "source",
        "external_id",
        "external_url",
        "external_author",
        "last_step",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    fields = readonly_fields
    inlines = [AnswerInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        return super().get_queryset(request).annotate(answer_total=Count("answers"))

    @admin.display(description="Answers", ordering="answer_total")
    def answer_count(self, obj: Response) -> int:
        return obj.answer_total  # type: ignore[attr-defined]


@admin.register(Answer)
class AnswerAdmin(OrganizationScoped, ReadOnlyMixin, admin.ModelAdmin):
    organization_path = "response__wave__organization"
    list_display = ["question_key", "short_value", "level", "team", "wave", "response_link", "updated_at"]
    list_filter = ["response__wave", "question__aspect", "question__qtype", "response__status"]
    list_select_related = ["question", "response__team", "response__wave"]
    search_fields = ["question__key", "value_text", "response__team__name"]
    fields = ["response", "question", "value", "value_text", "level", "updated_at"]
    readonly_fields = fields

    @admin.display(description="Question", ordering="question__key")
    def question_key(self, obj: Answer) -> str:
        return obj.question.key

    @admin.display(description="Answer")
    def short_value(self, obj: Answer) -> str:
        return obj.value_text if len(obj.value_text) <= 80 else obj.value_text[:79] + "…"

    @admin.display(description="Team", ordering="response__team__name")
    def team(self, obj: Answer) -> str:
        return obj.response.team.name

    @admin.display(description="Wave", ordering="response__wave__name")
    def wave(self, obj: Answer) -> str:
        return obj.response.wave.name

    @admin.display(description="Response")
    def response_link(self, obj: Answer) -> str:
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:surveys_response_change", args=[obj.response_id]), obj.response_id
        )
