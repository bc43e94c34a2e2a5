"""The maturity model as loaded: versions, levels, aspects and cells. Public to any signed-in caller."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import ApiView, id_field
from assessor.api.pagination import Pagination
from assessor.models import Aspect, Cell, Level, ModelVersion

TAG = ["maturity model"]


class VersionOut(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = ["id", "model_key", "version", "title", "source_name", "source_url", "loaded_at"]


class LevelOut(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["number", "name", "aliases"]


class CellOut(serializers.ModelSerializer):
    aspect = serializers.CharField(source="aspect.key")
    level = serializers.IntegerField(source="level.number")

    class Meta:
        model = Cell
        fields = ["id", "aspect", "level", "label", "summary", "characteristics", "next_steps", "evidence"]


class AspectCellOut(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level.number")

    class Meta:
        model = Cell
        fields = ["level", "label", "summary", "characteristics", "next_steps", "evidence"]


class AspectOut(serializers.ModelSerializer):
    cells = AspectCellOut(many=True)

    class Meta:
        model = Aspect
        fields = ["key", "name", "question", "description", "order", "cells"]


class VersionDetailOut(VersionOut):
    levels = LevelOut(many=True)
    aspects = AspectOut(many=True)
    guidance = serializers.JSONField()

    class Meta(VersionOut.Meta):
        fields = [*VersionOut.Meta.fields, "guidance", "levels", "aspects"]


class VersionFilter(serializers.Serializer):
    version = id_field(required=False, help_text="Model version id; the newest by default.")


class CellFilter(VersionFilter):
    aspect = serializers.SlugField(required=False, max_length=40)
    level = serializers.IntegerField(required=False, min_value=1, max_value=4)


def _version(version_id: int | None) -> ModelVersion:
    version = ModelVersion.objects.filter(pk=version_id).first() if version_id else ModelVersion.objects.latest_loaded()
    if version is None:
        raise NotFound("No such maturity model version." if version_id else "No maturity model is loaded yet.")
    return version


class VersionList(ApiView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, responses=VersionOut(many=True), summary="Maturity model versions")
    def get(self, request: Request) -> Response:
        return self.page(ModelVersion.objects.order_by("model_key", "version"), VersionOut)


class VersionDetail(ApiView):
    @extend_schema(tags=TAG, responses=VersionDetailOut, summary="One model version with its levels, aspects and cells")
    def get(self, request: Request, pk: int) -> Response:
        versions = ModelVersion.objects.prefetch_related("levels", "aspects__cells__level")
        version = versions.filter(pk=pk).first()
        if version is None:
            raise NotFound("No such maturity model version.")
        return Response(VersionDetailOut(version).data)


class AspectList(ApiView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[VersionFilter], responses=AspectOut(many=True), summary="Aspects of a model version")
    def get(self, request: Request) -> Response:
        version = _version(self.filters(VersionFilter).get("version"))
        aspects: QuerySet[Aspect] = Aspect.objects.filter(model_version=version).prefetch_related("cells__level")
        return self.page(aspects.order_by("order"), AspectOut)


class CellList(ApiView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[CellFilter], responses=CellOut(many=True), summary="Cells of a model version")
    def get(self, request: Request) -> Response:
        filters = self.filters(CellFilter)
        version = _version(filters.get("version"))
        cells = Cell.objects.filter(aspect__model_version=version).select_related("aspect", "level")
        if "aspect" in filters:
            cells = cells.filter(aspect__key=filters["aspect"])
        if "level" in filters:
            cells = cells.filter(level__number=filters["level"])
        return self.page(cells.order_by("aspect__order", "level__number"), CellOut)
