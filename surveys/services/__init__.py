"""Writes of the surveys app: loading instruments, creating invitations, saving answers, importing issues."""

from surveys.answers import AnswersInvalid
from surveys.services.imports import ImportRefused, ImportReport, issue_responses_import
from surveys.services.instruments import InstrumentLoadResult, instrument_load
from surveys.services.invitations import (
    InvitationsRefused,
    invitable_memberships,
    invitation_fresh,
    invitation_new_link,
    invitations_create,
    invitations_for_people,
)
from surveys.services.responses import (
    STALE_MESSAGE,
    SaveResult,
    StaleResponse,
    SubmitResult,
    SurveyClosed,
    response_save,
    response_submit,
)

__all__ = [
    "STALE_MESSAGE",
    "AnswersInvalid",
    "ImportRefused",
    "ImportReport",
    "InstrumentLoadResult",
    "InvitationsRefused",
    "SaveResult",
    "StaleResponse",
    "SubmitResult",
    "SurveyClosed",
    "instrument_load",
    "invitable_memberships",
    "invitation_fresh",
    "invitation_new_link",
    "invitations_create",
    "invitations_for_people",
    "issue_responses_import",
    "response_save",
    "response_submit",
]
