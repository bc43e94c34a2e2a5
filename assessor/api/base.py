"""What every API view shares: the error body, strict pagination, checked query filters, strict input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessor.api import errors
from assessor.api.pagination import Pagination
from assessor.api.parsers import BoundedJSONParser
from assessor.api.permissions import organization_or_404
from assessor.api.schema import ApiAutoSchema
from assessor.models import Organization

MAX_ID = 10**18 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A database id in a query or body: a whole number from 1 to MAX_ID (so a huge one is a 4xx, not an overflow)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class StrictSerializer(serializers.Serializer):
    """Input that names a field this serializer does not know is refused, so typos do not pass silently."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class ApiView(APIView):
    """Base of every API view; list views set `pagination_class = Pagination`."""

    pagination_class: type[Pagination] | None = None
    parser_classes = [BoundedJSONParser]
    schema = ApiAutoSchema()

    def get_exception_handler(self) -> Any:
        return errors.handler

    def filters(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The query parameters checked by `serializer_class` (a 400 naming each bad one)."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return {key: value for key, value in serializer.validated_data.items() if value is not None}

    def body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def page(self, rows: Sequence[Any], serializer_class: type[serializers.Serializer], **context: Any) -> Response:
        """One page of `rows` (a queryset or a list) with count, next and previous links."""
        paginator = (self.pagination_class or Pagination)()
        chunk = paginator.paginate_queryset(rows, self.request, view=self)
        data = serializer_class(chunk, many=True, context={"request": self.request, **context}).data
        return paginator.get_paginated_response(data)


class OrganizationView(ApiView):
    """A view under /orgs/{org}/: the organization is resolved (404 for non-members) before the handler runs."""

    organization: Organization

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.organization = organization_or_404(request.user, kwargs["org"])
