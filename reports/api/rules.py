"""The rules view as JSON (admins of the organization): each evidence rule, the teams it fired for by outcome,
and its history across collection runs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView
from assessor.api.pagination import Pagination
from assessor.api.permissions import require_org_admin
from reports.dashboards.rules import rules_data
from reports.frames.rules import OUTCOMES
from reports.selectors import scope_for

TAG = ["reports"]


class RuleTeamOut(serializers.Serializer):
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    outcome = serializers.ChoiceField(choices=list(OUTCOMES))
    waiver_reason = serializers.CharField(help_text="Why the rule is waived for the team; empty unless waived.")


class RuleHistoryOut(serializers.Serializer):
    day = serializers.DateField()
    supports = serializers.IntegerField()
    contradicts = serializers.IntegerField()
    unknown = serializers.IntegerField()
    fired = serializers.IntegerField(help_text="Teams the rule fired for in their newest evaluation by that day.")


class RuleOut(serializers.Serializer):
    rule_key = serializers.CharField()
    aspect = serializers.CharField()
    level = serializers.IntegerField()
    direction = serializers.CharField()
    explanation = serializers.CharField()
    in_use = serializers.BooleanField(help_text="False for a rule still in current evidence but no longer in the rules in use.")
    supports = serializers.IntegerField()
    contradicts = serializers.IntegerField()
    waived = serializers.IntegerField()
    unknown = serializers.IntegerField()
    teams = RuleTeamOut(many=True)
    history = RuleHistoryOut(many=True)


class RuleFilter(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=list(OUTCOMES), required=False, help_text="Only rules that fired so.")


class RuleList(OrganizationView):
    pagination_class = Pagination

    @extend_schema(
        tags=TAG, parameters=[RuleFilter], responses=RuleOut(many=True), summary="Each evidence rule and the teams it fired for"
    )
    def get(self, request: Request, org: str) -> Response:
        require_org_admin(request.user, self.organization)
        filters = self.filters(RuleFilter)
        page = rules_data(scope_for(request.user, self.organization), outcome=filters.get("outcome"))
        rows: list[dict[str, Any]] = [{**row, "level": int(row["level"])} for row in page.rows]
        return self.page(rows, RuleOut)
