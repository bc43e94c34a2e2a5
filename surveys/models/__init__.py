"""Models of the surveys app: instruments and their questions, waves, invitations, responses and answers."""

from surveys.models.instrument import Instrument, Question
from surveys.models.response import Answer, Response
from surveys.models.wave import Invitation, Role, Wave

__all__ = ["Answer", "Instrument", "Invitation", "Question", "Response", "Role", "Wave"]
