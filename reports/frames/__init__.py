"""Report frames: pure pandas functions from scores, answers and organization data to the tables reports show.

No ORM, no settings, no clock: `now` and names come in as arguments. The input frames are:
- scores: `reports.selectors.SCORE_FIELDS` (one row per wave, team and aspect);
- teams: TEAM_COLUMNS (one row per team the reader may see);
- waves: WAVE_COLUMNS;
- participation: PARTICIPATION_COLUMNS (one row per wave and team that was invited or answered);
- answers: `assessor.scoring.frames.ANSWER_COLUMNS`;
- history: HISTORY_COLUMNS (every stored snapshot, not only the newest, for changes over a period);
- annotations: ANNOTATION_COLUMNS.
"""

from __future__ import annotations

TEAM_COLUMNS = ["team_id", "team", "slug", "kind", "group_id", "group"]
WAVE_COLUMNS = ["wave_id", "wave", "opens_at", "closes_at", "anonymous", "min_responses"]
PARTICIPATION_COLUMNS = ["wave_id", "team_id", "invited", "invitations", "submitted", "drafts"]
HISTORY_COLUMNS = ["wave_id", "team_id", "aspect", "score", "level", "computed_at"]
ANNOTATION_COLUMNS = ["date", "label", "kind", "team_id", "group_id"]
