"""Models of the collectors: runs and the signals they observed, source state, evidence, CI tokens."""

from collectors.models.evidence import Evaluation, Evidence
from collectors.models.runs import CollectionRun, Signal, SourceState
from collectors.models.tokens import CIToken

__all__ = ["CIToken", "CollectionRun", "Evaluation", "Evidence", "Signal", "SourceState"]
