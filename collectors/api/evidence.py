"""A team's current evidence (what the rules concluded) and its current signals (what collectors saw)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView
from assessor.api.pagination import Pagination
from assessor.api.permissions import team_or_404
from assessor.scoring.frames import ASPECTS, EVIDENCE_COLUMNS
from collectors.models import Evidence, Signal
from collectors.selectors import evidence_for_team, signals_for_team

TAG = ["evidence"]


class EvidenceWaiverOut(serializers.Serializer):
    id = serializers.IntegerField()
    repository_id = serializers.IntegerField(allow_null=True, help_text="Set when only this repository's evidence is waived.")
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField()


class EvidenceOut(serializers.ModelSerializer):
    signal_ids = serializers.SerializerMethodField()
    waived = serializers.SerializerMethodField(help_text="A waiver in force takes this item out of the scoring.")
    waiver = EvidenceWaiverOut(allow_null=True, read_only=True, help_text="The waiver in force, if any.")

    class Meta:
        model = Evidence
        fields = ["id", *(column for column in EVIDENCE_COLUMNS if column != "team_id"), "waived", "waiver"]

    def get_signal_ids(self, evidence: Evidence) -> list[int]:
        return sorted(signal.pk for signal in evidence.signals.all())

    def get_waived(self, evidence: Evidence) -> bool:
        return getattr(evidence, "waiver", None) is not None


class EvidenceFilter(serializers.Serializer):
    aspect = serializers.ChoiceField(choices=ASPECTS, required=False)


class TeamEvidence(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[EvidenceFilter], responses=EvidenceOut(many=True), summary="A team's current evidence")
    def get(self, request: Request, org: str, team: str) -> Response:
        filters = self.filters(EvidenceFilter)
        items = evidence_for_team(team_or_404(request.user, self.organization, team))
        if "aspect" in filters:
            items = [item for item in items if item.aspect == filters["aspect"]]
        return self.page(items, EvidenceOut)


class SignalOut(serializers.ModelSerializer):
    run_id = serializers.IntegerField()
    repository = serializers.CharField(source="repository.name", allow_null=True, default=None)
    cluster = serializers.CharField(source="cluster.name", allow_null=True, default=None)
    value = serializers.JSONField(allow_null=True)
    detail = serializers.JSONField()

    class Meta:
        model = Signal
        fields = [
            "id",
            "run_id",
            "collector",
            "key",
            "value",
            "detail",
            "subject",
            "path",
            "namespace",
            "observed_at",
            "source_url",
            "repository",
            "cluster",
        ]


class SignalFilter(serializers.Serializer):
    key = serializers.CharField(required=False, max_length=200, help_text="Signals whose key starts with this.")
    collector = serializers.CharField(required=False, max_length=20)


class TeamSignals(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[SignalFilter], responses=SignalOut(many=True), summary="A team's current signals")
    def get(self, request: Request, org: str, team: str) -> Response:
        filters = self.filters(SignalFilter)
        signals = signals_for_team(team_or_404(request.user, self.organization, team))
        if "key" in filters:
            signals = [signal for signal in signals if signal.key.startswith(filters["key"])]
        if "collector" in filters:
            signals = [signal for signal in signals if signal.collector == filters["collector"]]
        return self.page(signals, SignalOut)
