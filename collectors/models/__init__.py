"""Models of the collectors: runs and the signals they observed, source state, evidence, CI tokens, survey
issues held for review, and waivers."""

from collectors.models.evidence import Evaluation, Evidence
from collectors.models.issues import SurveyIssue
from collectors.models.runs import CollectionRun, Signal, SourceState
from collectors.models.tokens import CIToken
from collectors.models.waivers import Waiver, WaiverEvent

__all__ = ["CIToken", "CollectionRun", "Evaluation", "Evidence", "Signal", "SourceState", "SurveyIssue", "Waiver", "WaiverEvent"]
