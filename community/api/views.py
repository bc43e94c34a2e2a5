"""The community's API: contributors send releases with their token; reviewers list what arrived; the report
and the benchmark file are read by reviewers (or anyone, with COMMUNITY_PUBLIC) and by contributors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import ApiView
from assessor.api.errors import ApiError, BadRequest
from assessor.auth_tokens import HashedTokenAuthentication
from community.benchmark import BenchmarkUnavailable, benchmark_text
from community.models import Community, Contributor
from community.report import PeriodInvalid, community_page, report_json
from community.selectors import can_read, can_see_releases, received_releases
from community.services import ReleaseRejected, contributor_for_key, release_receive, supported_versions

TAG = ["community"]


class ContributorAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` with a contributor's key; any other key is left to the API token check."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Contributor] | None:
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].decode(errors="replace") != self.keyword:
            return None
        contributor = contributor_for_key(parts[1].decode(errors="replace"), now=timezone.now())
        return None if contributor is None else (AnonymousUser(), contributor)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ContributorTokenScheme(OpenApiAuthenticationExtension):
    target_class = ContributorAuthentication
    name = "contributorToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` with the contributor token a community's admin issued to the organization.",
        }


class CommunityView(ApiView):
    authentication_classes = [ContributorAuthentication, HashedTokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]  # each handler checks the reader against the community

    def community(self, slug: str) -> Community:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise NotFound(f"No community {slug[:80]!r} here.")
        return community

    def contributor(self, community: Community) -> Contributor | None:
        auth = self.request.auth
        return auth if isinstance(auth, Contributor) and auth.community_id == community.pk else None

    def require_reader(self, community: Community, *, releases: bool = False) -> None:
        user = self.request.user
        allowed = can_see_releases(user, community) if releases else can_read(user, community)
        if allowed or (not releases and self.contributor(community) is not None):
            return
        if not user.is_authenticated and self.request.auth is None:
            raise NotAuthenticated(f"Sign in as a reviewer of {community.name}, or send a contributor token.")
        raise NotFound(f"No community {community.slug!r} that you may read.")


class EnvelopeIn(serializers.Serializer):
    wave = serializers.CharField(help_text="The sender's opaque name for the wave: 8 to 64 letters, digits, - or _.")
    document = serializers.CharField(help_text="The release's JSON text exactly as the sender stored it.")
    sha256 = serializers.CharField(help_text="SHA-256 of `document` (UTF-8), lower-case hex.")
    origin = serializers.CharField(required=False, help_text="The sending deployment's address.")


class ReceivedOut(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.CharField(help_text="The contributor's pseudonym.")
    origin = serializers.CharField()
    wave_ref = serializers.CharField()
    number = serializers.IntegerField()
    format_version = serializers.IntegerField()
    closed_in = serializers.CharField()
    document_sha256 = serializers.CharField()
    received_at = serializers.DateTimeField()


class ReleaseList(CommunityView):
    @extend_schema(tags=TAG, responses=ReceivedOut(many=True), summary="Releases the community received (its reviewers)")
    def get(self, request: Request, slug: str) -> Response:
        community = self.community(slug)
        self.require_reader(community, releases=True)
        return Response(ReceivedOut(received_releases(community), many=True).data)

    @extend_schema(
        tags=TAG,
        request=EnvelopeIn,
        responses={
            201: ReceivedOut,
            200: OpenApiResponse(ReceivedOut, description="This release was already received; nothing changed."),
            400: OpenApiResponse(description="Hash mismatch, unsupported format version, or a schema violation."),
            401: OpenApiResponse(description="No contributor token of this community."),
            409: OpenApiResponse(description="The same release number arrived before with other content, or it is superseded."),
        },
        summary="Send a release of a closed wave (a contributor token of this community)",
    )
    def post(self, request: Request, slug: str) -> Response:
        community = self.community(slug)
        contributor = self.contributor(community)
        if contributor is None:
            raise NotAuthenticated(f"Send a contributor token that {community.name}'s admin issued (Authorization: Token <key>).")
        try:
            receipt = release_receive(contributor=contributor, envelope=request.data, now=timezone.now())
        except ReleaseRejected as exc:
            raise ApiError(exc.status, str(exc), code=exc.code, details=exc.details) from exc
        return Response(ReceivedOut(receipt.release).data, status=201 if receipt.created else 200)


class ReleaseDocument(CommunityView):
    @extend_schema(
        tags=TAG, responses={(200, "application/json"): OpenApiTypes.OBJECT}, summary="One received release, as received"
    )
    def get(self, request: Request, slug: str, pk: int) -> HttpResponse:
        community = self.community(slug)
        self.require_reader(community, releases=True)
        release = community.releases.filter(pk=pk).first()
        if release is None:
            raise NotFound(f"{community.name} has no received release {pk}.")
        response = HttpResponse(release.document.encode(), content_type="application/json")
        response["X-Release-Sha256"] = release.document_sha256
        return response


PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.INT, description="First year (the waves closed in it); the newest year by default."),
    OpenApiParameter("to", OpenApiTypes.INT, description="Last year; `from` alone means that one year."),
]


class ReportView(CommunityView):
    @extend_schema(
        tags=TAG,
        parameters=PERIOD_PARAMETERS,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Aggregates of the period under both minimums.")},
        summary="The community report for a period",
    )
    def get(self, request: Request, slug: str) -> Response:
        community = self.community(slug)
        self.require_reader(community)
        params = request.query_params
        try:
            page = community_page(community, first=params.get("from"), last=params.get("to"), default_year=timezone.now().year)
        except PeriodInvalid as exc:
            raise BadRequest(str(exc), code="invalid_period") from exc
        return Response({**report_json(page), "supported_versions": list(supported_versions())})


class BenchmarkView(CommunityView):
    @extend_schema(
        tags=TAG,
        responses={
            (200, "application/yaml"): OpenApiTypes.STR,
            404: OpenApiResponse(description="No period has every level of every aspect published yet."),
        },
        summary="The community's benchmark file (the format of the bundled published figures)",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        community = self.community(slug)
        self.require_reader(community)
        try:
            text = benchmark_text(community)
        except BenchmarkUnavailable as exc:
            raise ApiError(404, str(exc), code="no_benchmark") from exc
        response = HttpResponse(text.encode(), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="community-{community.slug}.yaml"'
        response["Cache-Control"] = "no-store"
        return response
