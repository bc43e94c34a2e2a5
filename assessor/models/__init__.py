"""Models of the core: organizations and their teams, and the maturity model as loaded data."""

from assessor.models.api_token import ApiToken
from assessor.models.heartbeat import Heartbeat
from assessor.models.maturity import Aspect, Cell, Level, ModelVersion
from assessor.models.organization import (
    Cluster,
    Consumption,
    Membership,
    Organization,
    Repository,
    Team,
    TeamGroup,
)
from assessor.models.rescore import PendingRescore

__all__ = [
    "ApiToken",
    "Aspect",
    "Cell",
    "Cluster",
    "Consumption",
    "Heartbeat",
    "Level",
    "Membership",
    "ModelVersion",
    "Organization",
    "PendingRescore",
    "Repository",
    "Team",
    "TeamGroup",
]
