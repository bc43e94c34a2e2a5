"""Practices in people's own words: what they wrote about how their services are set up, read with the
practices file's mentions and the free-text tags an admin reviewed. Pure: no ORM, no settings."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from reports.practices import Practice

# Free text that says how a team's services are set up today: the instrument's question and the working
# group's issue-form field. Pains and suggestions name practices people want, not ones they use.
IMPLEMENTATION_KEYS = ("coop.service_implementation", "service_implementation")


def _mention_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", re.IGNORECASE)


def free_text_practices(texts: pd.DataFrame, tags: pd.DataFrame, practices: Sequence[Practice]) -> pd.DataFrame:
    """wave_id, team_id, practice, provenance for what people wrote about how their services are set up.

    A text shows a practice where it names one of the practice's `mentions`, unless an admin rejected a tag
    on those words, or where a standing tag (suggested, confirmed or added by an admin on the review page)
    is a delivery mechanism of the practice (`delivery`: self-service) or matched one of its mentions.

    `texts`: answer_id, wave_id, team_id, question_key, text, source; `tags`: answer_id, kind, value,
    phrase, start, end, status (see `reports.selectors.free_text_review`)."""
    columns = ["wave_id", "team_id", "practice", "provenance"]
    written = texts[texts["question_key"].isin(IMPLEMENTATION_KEYS)] if not texts.empty else texts
    if written.empty:
        return pd.DataFrame(columns=columns)
    by_answer = {int(answer): group for answer, group in tags.groupby("answer_id")} if not tags.empty else {}
    patterns = {practice.key: _mention_pattern(practice.mentions) for practice in practices}
    out = []
    fields = ["answer_id", "wave_id", "team_id", "text", "source"]
    for answer_id, wave_id, team_id, text, source in written[fields].itertuples(index=False):
        own = by_answer.get(int(answer_id), tags.iloc[0:0])
        rejected = own[own["status"] == "rejected"]
        standing = own[own["status"] != "rejected"]
        spans = [(int(a), int(b)) for a, b in zip(rejected["start"], rejected["end"], strict=True) if pd.notna(a) and pd.notna(b)]
        where = f"service implementation ({source})"
        for practice in practices:
            found: list[str] = []
            pattern = patterns[practice.key]
            for match in pattern.finditer(str(text)) if pattern else ():
                if not any(match.start() < end and start < match.end() for start, end in spans):
                    found.append(f"{where}: \u201c{match.group(0)}\u201d")
            for kind, value, phrase, status in standing[["kind", "value", "phrase", "status"]].itertuples(index=False):
                decided = status in ("confirmed", "added")
                named = decided and pattern is not None and bool(pattern.fullmatch(str(phrase or "")))  # else found above
                if (kind == "mechanism" and value in practice.delivery) or named:
                    found.append(
                        f"{where}: \u201c{phrase or value}\u201d" + (" (tag confirmed by an admin)" if decided else " (tag)")
                    )
            out += [(int(wave_id), int(team_id), practice.key, item) for item in dict.fromkeys(found)]
    return pd.DataFrame(out, columns=columns)
