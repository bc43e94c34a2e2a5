"""Instruments (versioned question banks) and their questions. Public to any signed-in caller."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import ApiView
from assessor.api.pagination import Pagination
from surveys.models import Instrument, Question

TAG = ["surveys"]


class OptionOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField(allow_null=True, required=False)


class ShowIfOut(serializers.Serializer):
    question = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField(), source="in")


class QuestionOut(serializers.ModelSerializer):
    options = OptionOut(many=True)
    show_if = ShowIfOut(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Question
        fields = [
            "key",
            "section",
            "position",
            "qtype",
            "text",
            "help",
            "required",
            "roles",
            "show_if",
            "aspect",
            "perspective",
            "capability",
            "options",
        ]


class InstrumentOut(serializers.ModelSerializer):
    question_count = serializers.IntegerField()

    class Meta:
        model = Instrument
        fields = ["id", "key", "version", "title", "description", "model_version", "source", "loaded_at", "question_count"]


class InstrumentDetailOut(InstrumentOut):
    questions = QuestionOut(many=True)

    class Meta(InstrumentOut.Meta):
        fields = [*InstrumentOut.Meta.fields, "questions"]


class InstrumentFilter(serializers.Serializer):
    key = serializers.CharField(required=False, max_length=80)


class InstrumentList(ApiView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[InstrumentFilter], responses=InstrumentOut(many=True), summary="Instruments")
    def get(self, request: Request) -> Response:
        instruments = Instrument.objects.annotate(question_count=Count("questions"))
        key = self.filters(InstrumentFilter).get("key")
        if key:
            instruments = instruments.filter(key=key)
        return self.page(instruments.order_by("key", "-version"), InstrumentOut)


class InstrumentDetail(ApiView):
    @extend_schema(tags=TAG, responses=InstrumentDetailOut, summary="One instrument with its questions")
    def get(self, request: Request, pk: int) -> Response:
        instrument = (
            Instrument.objects.annotate(question_count=Count("questions")).prefetch_related("questions").filter(pk=pk).first()
        )
        if instrument is None:
            raise NotFound("No such instrument.")
        return Response(InstrumentDetailOut(instrument).data)
