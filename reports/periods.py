"""Digest periods: which week or month a digest covers, and the key that makes it go out once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

FREQUENCIES = ("weekly", "monthly")


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str  # the same for every run inside one week or month
    start: datetime  # changes are counted from here...
    end: datetime  # ...to here (the moment the digest is built)
    label: str


def digest_period(*, frequency: str, now: datetime) -> Period:
    """The period a digest sent at `now` belongs to: the ISO week or calendar month of `now`, looking back one of it."""
    if frequency == "weekly":
        year, week, _ = now.isocalendar()
        return Period(frequency, f"{year}-W{week:02d}", now - timedelta(days=7), now, f"week {week} of {year}")
    if frequency == "monthly":
        return Period(frequency, f"{now:%Y-%m}", now - relativedelta(months=1), now, f"{now:%B %Y}")
    raise ValueError(f"Unknown digest frequency {frequency!r}; use one of {', '.join(FREQUENCIES)}.")
