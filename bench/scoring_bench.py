"""Full rescore against its floors and a per-object ORM loop; incremental rescore after one submission.

Floors: a plain cursor fetch of the answer rows the rescore needs (the honest floor: no ORM, no pandas), a
SQL scan that only aggregates them in the database, and, kept for continuity with earlier runs, the "raw
read" (`answers_frame`, the ORM and pandas path).

Targets: full rescore within 1.5x of the cursor fetch (and, as before, within 3x of the raw read), at least
20x faster than a straightforward per-object ORM loop; a new submission rescores only its team and wave.

On SQLite (the benchmark file) first; then, when this machine has PostgreSQL (bench/pgtemp.py) and
DATABASE_URL does not already name a database, the same workload again on a throwaway PostgreSQL server
(the organization is built there first, and how long that took is printed). SCORING_POSTGRES=0 skips it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from common import bench_teams, ensure_org, setup_django

BASELINE_SAMPLE_TEAMS = 40


def orm_loop_baseline(team_ids: list[int]) -> int:
    """What scoring looks like written object by object: per team, wave, response and answer."""
    from assessor.models import Team
    from reports.models import ScoreSnapshot
    from surveys.models import Response

    written = 0
    for team in Team.objects.filter(pk__in=team_ids):
        for wave in team.survey_waves.all():
            per_aspect: dict[str, list[float]] = {}
            for response in Response.objects.filter(team=team, wave=wave, status="submitted"):
                mine: dict[str, list[float]] = {}
                for answer in response.answers.all():
                    question = answer.question
                    if question.qtype == "single_choice" and question.aspect and question.perspective == "self" and answer.level:
                        mine.setdefault(question.aspect, []).append(answer.level)
                for aspect, levels in mine.items():
                    per_aspect.setdefault(aspect, []).append(round(sum(levels) / len(levels), 2))
            for aspect, scores in per_aspect.items():
                score = round(statistics.mean(scores), 2)
                ScoreSnapshot(
                    wave=wave,
                    team=team,
                    aspect=aspect,
                    rubric_version="baseline",
                    inputs_hash="",
                    computed_at=wave.closes_at,
                    score=score,
                    level=max(1, min(4, int(score + 0.5))),
                    respondents=len(scores),
                    spread=max(scores) - min(scores),
                    status="no_evidence",
                    confidence=0,
                    confidence_label="low",
                ).save()
                written += 1
    ScoreSnapshot.objects.filter(rubric_version="baseline").delete()
    return written


FETCH_SQL = (
    "SELECT a.response_id, a.question_id, a.value_text, a.level FROM surveys_answer a "
    "JOIN surveys_response r ON r.id = a.response_id WHERE r.status = 'submitted'"
)
SCAN_SQL = (
    "SELECT r.team_id, a.question_id, COUNT(*), SUM(a.level) FROM surveys_answer a "
    "JOIN surveys_response r ON r.id = a.response_id WHERE r.status = 'submitted' GROUP BY r.team_id, a.question_id"
)


def timed_sql(sql: str) -> tuple[float, int]:
    """Seconds to run a query and fetch every row through the driver's cursor, and the number of rows."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def main() -> None:
    setup_django()
    from reports.models import ScoreSnapshot
    from reports.rescore import scores_recompute
    from surveys.models import Answer
    from surveys.selectors import answers_frame

    teams = bench_teams()
    organization = ensure_org(teams)
    answers_total = Answer.objects.filter(response__wave__organization=organization).count()
    team_ids = list(organization.teams.order_by("pk").values_list("pk", flat=True))
    print(f"Organization: {len(team_ids)} teams, {answers_total} answers")

    started = time.perf_counter()
    frame = answers_frame()
    raw_read = time.perf_counter() - started
    print(f"raw read of all answers into a frame: {raw_read:.2f} s ({len(frame)} rows)")
    del frame

    fetch, fetched = timed_sql(FETCH_SQL)
    print(f"cursor fetch of the answer rows: {fetch:.2f} s ({fetched} rows)")
    scan, groups = timed_sql(SCAN_SQL)
    print(f"SQL scan aggregating them in the database: {scan:.2f} s ({groups} groups)")

    ScoreSnapshot.objects.all().delete()
    started = time.perf_counter()
    result = scores_recompute()
    full = time.perf_counter() - started
    print(f"full rescore: {full:.2f} s ({result.written} snapshots for {result.teams} teams x {result.waves} waves)")

    sample = team_ids[:BASELINE_SAMPLE_TEAMS]
    started = time.perf_counter()
    orm_loop_baseline(sample)
    sample_time = time.perf_counter() - started
    baseline = sample_time * len(team_ids) / len(sample)
    print(f"per-object ORM loop: {sample_time:.2f} s for {len(sample)} teams, so {baseline:.1f} s for all (linear in teams)")

    from surveys.models import Response

    response = Response.objects.filter(team_id=team_ids[0], status="submitted").order_by("-wave__opens_at").first()
    scores_recompute(team_ids=[response.team_id], wave_ids=[response.wave_id])  # warm: nothing changed, nothing written
    answer = response.answers.filter(level__isnull=False, question__qtype="single_choice").first()
    answer.level = 4.0 if answer.level != 4.0 else 1.0
    answer.save(update_fields=["level"])
    started = time.perf_counter()
    incremental = scores_recompute(team_ids=[response.team_id], wave_ids=[response.wave_id])
    incremental_time = time.perf_counter() - started
    print(f"incremental rescore after one submission: {incremental_time * 1000:.0f} ms, {incremental.written} snapshots written")

    print()
    print(
        f"RATIO full rescore / cursor fetch = {full / fetch:.2f}  (target <= 1.5)  {'met' if full / fetch <= 1.5 else 'NOT met'}"
    )
    print(f"RATIO full rescore / SQL scan = {full / scan:.2f}  (no target: the database alone)")
    print(f"RATIO full rescore / raw read = {full / raw_read:.2f}  (target <= 3)  {'met' if full / raw_read <= 3 else 'NOT met'}")
    print(
        f"RATIO ORM loop / full rescore = {baseline / full:.1f}  (target >= 20)  {'met' if baseline / full >= 20 else 'NOT met'}"
    )
    print(f"RATIO incremental / full rescore = {incremental_time / full:.4f}  (touches 1 team x 1 wave)")


def on_postgres() -> None:
    """The same workload in a child process on a throwaway PostgreSQL server, its lines marked as such."""
    from pgtemp import postgres_url

    print()
    try:
        with postgres_url() as url:
            env = {**os.environ, "DATABASE_URL": url, "SCORING_POSTGRES": "0"}
            done = subprocess.run([sys.executable, __file__], env=env, text=True, capture_output=True, check=False)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"PostgreSQL: not run ({exc})")
        return
    print("On PostgreSQL (a throwaway server on loopback, fsync off):")
    for line in done.stdout.splitlines():
        print(f"  {line}")
    if done.returncode != 0:
        print(f"  failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")


if __name__ == "__main__":
    main()
    if os.environ.get("SCORING_POSTGRES", "1") != "0" and not os.environ.get("DATABASE_URL"):
        on_postgres()
