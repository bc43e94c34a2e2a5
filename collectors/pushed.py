"""Evidence pushed by CI pipelines: per-repository tokens, and the checked JSON body turned into a run."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jsonschema
from django.utils import timezone

from assessor.models import Repository
from collectors.conf import DATA
from collectors.models import CIToken, CollectionRun
from collectors.models.runs import Collector
from collectors.models.tokens import TOKEN_PREFIX, token_digest
from collectors.records import Outcome, SignalRecord
from collectors.services import run_opened, run_record
from collectors.storable import unstorable

SCHEMA_FILE = DATA / "ci-evidence.schema.json"
CLOCK_SKEW = timedelta(minutes=5)
# observed_at must fall in these years (in UTC); the schema's description says so.
OBSERVED_YEARS = (1970, 2100)


class PushError(Exception):
    """A push that is refused; `status` and `code` become the HTTP answer."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True)
class PushResult:
    run: CollectionRun
    signals: list[dict[str, Any]]


@cache
def ci_evidence_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def ci_token_issue(*, repository: Repository, label: str = "") -> str:
    """Create a token for a repository and return it; only its hash is kept, so it is shown this once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    CIToken.objects.create(repository=repository, label=label, token_hash=token_digest(token), hint=token[:10])
    return token


def ci_token_check(authorization: str) -> CIToken:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PushError(401, "unauthenticated", "Send the repository's CI token as 'Authorization: Bearer <token>'.")
    found = CIToken.objects.select_related("repository__team").filter(token_hash=token_digest(token.strip())).first()
    if found is None or not found.is_active:
        raise PushError(401, "invalid_token", "The token is unknown or has been revoked.")
    return found


def _refuse(where: str, pointer: str, problem: str) -> PushError:
    """A 400 naming the field: `where` as `signals[2].detail.latency`, `pointer` as schema errors give paths."""
    return PushError(400, "invalid_body", f"{where}: {problem}", [{"path": pointer, "message": problem}])


def _validate(payload: Any) -> None:
    # First what no schema can say: a NaN/Infinity literal, a number that overflowed, text that cannot be stored.
    found = unstorable(payload)
    if found is not None:
        raise _refuse(found.dotted, found.pointer, found.problem)
    validator = jsonschema.Draft202012Validator(ci_evidence_schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    if errors:
        details = [{"path": "/" + "/".join(str(p) for p in e.absolute_path), "message": e.message[:300]} for e in errors[:20]]
        raise PushError(400, "invalid_body", "The body does not match the CI evidence schema.", details)


def _observed_at(raw: str | None, now: datetime, index: int) -> datetime:
    if raw is None:
        return now
    where, pointer = f"signals[{index}].observed_at", f"/signals/{index}/observed_at"
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _refuse(where, pointer, f"{raw!r} is not an RFC 3339 date and time.") from exc
    if parsed.tzinfo is None:
        raise _refuse(where, pointer, f"{raw!r} needs a time zone.")
    first, last = OBSERVED_YEARS
    year = parsed.year
    if first <= year <= last:  # only a year in range is converted: year 1 or 9999 could overflow on the way to UTC
        year = parsed.astimezone(UTC).year
    if not first <= year <= last:
        raise _refuse(where, pointer, f"year {year} is outside {first}-{last}.")
    if parsed > now + CLOCK_SKEW:
        raise _refuse(where, pointer, f"{raw!r} lies in the future.")
    return parsed.astimezone(UTC)  # stored in UTC: PostgreSQL refuses offsets beyond 15:59


def ci_evidence_push(*, token: CIToken, payload: Any) -> PushResult:
    """Check the body against the schema and the token's repository, then store the signals as a CI run.
    Everything is checked before the run is created; a failure after that closes the run as failed."""
    _validate(payload)
    repository = token.repository
    claimed = payload.get("repository")
    if claimed and claimed not in (repository.github_full_name, repository.name):
        raise PushError(403, "wrong_repository", f"This token belongs to {repository}, not to {claimed!r}.")
    now = timezone.now()
    pipeline = payload.get("pipeline") or {}
    provenance = {k: pipeline[k] for k in ("name", "commit", "ref") if k in pipeline}
    records = [
        SignalRecord(
            key=item["key"],
            value=item["value"],
            detail={**(item.get("detail") or {}), **({"pipeline": provenance} if provenance else {})},
            path=item.get("path", ""),
            endpoint="POST /api/v1/evidence/",
            observed_at=_observed_at(item.get("observed_at"), now, index),
        )
        for index, item in enumerate(payload["signals"])
    ]
    source_url = pipeline.get("run_url", "")
    with run_opened(source=repository, collector=Collector.CI, trigger=CollectionRun.Trigger.PUSH, source_url=source_url) as run:
        # A push reports some keys, not a full set: it is never "complete", so earlier pushed keys stay current.
        outcome = Outcome(signals=tuple(records), source_url=source_url, complete=False)
        run_record(run=run, source=repository, outcome=outcome, now=now)
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
        stored = list(run.signals.order_by("id").values("id", "key", "value", "observed_at"))
    return PushResult(run=run, signals=[{**row, "observed_at": row["observed_at"].isoformat()} for row in stored])
