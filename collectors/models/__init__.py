"""Models of the collectors: runs and the signals they observed, source state, evidence, CI tokens, and survey
issues held for review."""

from collectors.models.evidence import Evaluation, Evidence
from collectors.models.issues import SurveyIssue
from collectors.models.runs import CollectionRun, Signal, SourceState
from collectors.models.tokens import CIToken

__all__ = ["CIToken", "CollectionRun", "Evaluation", "Evidence", "Signal", "SourceState", "SurveyIssue"]
