"""Answering a survey through the API with an invitation token: read, save a draft, submit.

The token is the credential (as in the web form's link), so these endpoints need no user; the rules are
the surveys services' own: drafts, idempotent submit, and a 409 when the save is based on an older version.
Reading ends SURVEYS_READ_GRACE_DAYS after the wave closes: 410 with code "link_expired".
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import ApiView, StrictSerializer
from assessor.api.errors import ApiError, BadRequest, Conflict
from surveys import conf, selectors
from surveys.answers import AnswersInvalid, visible_keys
from surveys.models import Invitation
from surveys.models import Response as SurveyResponse
from surveys.services import StaleResponse, SurveyClosed, response_save, response_submit

TAG = ["answering"]
INVALID_LINK = "This invitation token is not valid: it may be mistyped, withdrawn or replaced by a new link."


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class FormOptionOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)


class FormQuestionOut(serializers.Serializer):
    key = serializers.CharField()
    section = serializers.CharField()
    qtype = serializers.CharField()
    text = serializers.CharField()
    help = serializers.CharField(allow_blank=True)
    required = serializers.BooleanField()
    options = FormOptionOut(many=True)


class WaveBriefOut(serializers.Serializer):
    name = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    state = serializers.CharField()
    anonymous = serializers.BooleanField()


class TeamBriefOut(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()


class FormOut(serializers.Serializer):
    wave = WaveBriefOut()
    team = TeamBriefOut()
    role = serializers.CharField()
    status = serializers.ChoiceField(choices=["not_started", "draft", "submitted"])
    version = serializers.IntegerField(help_text="Send this back with the next save; a save based on an older one gets 409.")
    answers = serializers.DictField(child=serializers.JSONField())
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    questions = FormQuestionOut(many=True, help_text="The questions shown to you given the answers so far.")


class SaveIn(StrictSerializer):
    version = serializers.IntegerField(min_value=0)
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), allow_empty=True)
    step = serializers.CharField(required=False, allow_blank=True, max_length=80)


class SubmitIn(SaveIn):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), allow_empty=True, required=False)


class SaveOut(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.IntegerField()
    changed = serializers.BooleanField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    saved_at = serializers.DateTimeField()


class SubmitOut(serializers.Serializer):
    status = serializers.CharField(help_text='"submitted", or "draft" when required answers are missing.')
    version = serializers.IntegerField()
    submitted_now = serializers.BooleanField(help_text="False for a repeated submit, which changes nothing.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="Required questions still unanswered.")


ERRORS = {
    400: OpenApiResponse(description="Invalid answers (details map question keys to messages) or a malformed body."),
    404: OpenApiResponse(description="Unknown, withdrawn or replaced token."),
    409: OpenApiResponse(description="Stale version (details.current_version) or the wave is not open."),
    413: OpenApiResponse(description="The body is larger than the autosave limit."),
}


class _TokenView(ApiView):
    permission_classes = [AllowAny]

    def invitation(self, token: str) -> Invitation:
        invitation = selectors.invitation_for_token(token)
        if invitation is None:
            raise NotFound(INVALID_LINK)
        return invitation

    def readable_invitation(self, token: str) -> Invitation:
        """The invitation, as long as its link still shows answers (410 link_expired once the grace period is over)."""
        invitation = self.invitation(token)
        if invitation.wave.links_expired(timezone.now()):
            raise ApiError(status.HTTP_410_GONE, invitation.wave.link_expired_message(), code="link_expired")
        return invitation

    def check_size(self, request: Request) -> None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit = conf.max_autosave_bytes()
        if not declared.isdigit() or int(declared) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit // 1024} KB.")

    def run(self, call: Any) -> Any:
        try:
            return call()
        except AnswersInvalid as exc:
            raise BadRequest(str(exc), code="invalid_answers", details=exc.errors) from None
        except StaleResponse as exc:
            raise Conflict(str(exc), code="stale_version", details={"current_version": exc.current_version}) from None
        except SurveyClosed as exc:
            raise Conflict(str(exc), code="wave_not_open") from None


def _form(invitation: Invitation) -> dict[str, Any]:
    response = selectors.invitation_response(invitation)
    values = selectors.answer_values(response)
    role = response.role if response else invitation.role
    spec = invitation.wave.instrument.spec()
    shown = visible_keys(spec, role, values)
    questions = [q for q in spec.questions() if q.key in shown]
    wave = invitation.wave
    return {
        "wave": {
            **{f: getattr(wave, f) for f in ("name", "opens_at", "closes_at", "anonymous")},
            "state": wave.state(timezone.now()),
        },
        "team": {"name": invitation.team.name, "kind": invitation.team.kind},
        "role": role,
        "status": response.status if response else "not_started",
        "version": response.version if response else 0,
        "answers": {key: value for key, value in values.items() if key in shown},
        "answered": sum(1 for key in values if key in shown),
        "total": len(shown),
        "questions": [
            {
                "key": q.key,
                "section": q.section,
                "qtype": q.qtype,
                "text": q.text,
                "help": q.help,
                "required": q.required,
                "options": [{"value": o.value, "label": o.label, "level": o.level} for o in q.choices()],
            }
            for q in questions
        ],
    }


class ResponseForm(_TokenView):
    @extend_schema(
        tags=TAG,
        responses={
            200: FormOut,
            404: ERRORS[404],
            410: OpenApiResponse(description="The wave closed longer ago than the grace period; answers are no longer shown."),
        },
        summary="Your survey: questions, answers, version",
        description=(
            "Answers are shown until SURVEYS_READ_GRACE_DAYS (default 30) days after the wave closes; after that "
            'the token gets 410 Gone with error code "link_expired".'
        ),
    )
    def get(self, request: Request, token: str) -> Response:
        return Response(FormOut(_form(self.readable_invitation(token))).data)

    @extend_schema(
        tags=TAG,
        request=SaveIn,
        responses={200: SaveOut, **ERRORS},
        summary="Save answers as a draft (or change a submitted response while the wave is open)",
    )
    def put(self, request: Request, token: str) -> Response:
        self.check_size(request)
        invitation = self.invitation(token)
        data = self.body(SaveIn)
        saved = self.run(
            lambda: response_save(
                invitation=invitation,
                version=data["version"],
                raw=data["answers"],
                now=timezone.now(),
                step=data.get("step", ""),
                user=request.user,
            )
        )
        result = {
            "status": saved.response.status,
            "version": saved.response.version,
            "changed": saved.changed,
            "answered": saved.answered,
            "total": saved.total,
            "saved_at": saved.response.updated_at,
        }
        return Response(SaveOut(result).data)


class ResponseSubmit(_TokenView):
    @extend_schema(tags=TAG, request=SubmitIn, responses={200: SubmitOut, **ERRORS}, summary="Submit (a repeat is harmless)")
    def post(self, request: Request, token: str) -> Response:
        self.check_size(request)
        invitation = self.invitation(token)
        data = self.body(SubmitIn)
        submitted = self.run(
            lambda: response_submit(
                invitation=invitation,
                version=data["version"],
                raw=data.get("answers") or {},
                now=timezone.now(),
                step=data.get("step", ""),
                user=request.user,
            )
        )
        response: SurveyResponse = submitted.response
        result = {
            "status": response.status,
            "version": response.version,
            "submitted_now": submitted.submitted_now,
            "submitted_at": response.submitted_at,
            "missing": [question.key for question in submitted.missing],
        }
        return Response(SubmitOut(result).data)
