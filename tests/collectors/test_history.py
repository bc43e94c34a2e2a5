"""Parsing `git log` output and reading cadence, authorship and staleness from it (pure)."""

from datetime import UTC, datetime, timedelta

from collectors.history import Commit, history_signals, parse_git_log

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def commit(days_ago: float, email: str, subject: str = "change", files: tuple[str, ...] = ()) -> Commit:
    return Commit("sha", NOW - timedelta(days=days_ago), email, email.split("@")[0], 1, subject, files)


def values(signals):
    return {s.key: s.value for s in signals}


def test_it_parses_records_with_their_files_and_skips_broken_ones():
    text = (
        "\x1eabc\x1f1700000000\x1fA@X.org\x1fAnn\x1fp1\x1fFirst\n\nREADME.md\nsrc/a b.py\n"
        "\x1edef\x1f1700000100\x1fb@x.org\x1fBob\x1fp1 p2\x1fMerge branch\n"
        "\x1ebroken record\n"
        "\x1eghi\x1fnot-a-time\x1fc@x.org\x1fC\x1f\x1fx\n"
    )
    commits = parse_git_log(text)
    assert [c.sha for c in commits] == ["abc", "def"]
    assert commits[0].author_email == "a@x.org"
    assert commits[0].files == ("README.md", "src/a b.py")
    assert commits[1].is_merge


def test_it_measures_the_share_of_commits_from_outside_the_team():
    commits = [commit(i, "me@acme.example") for i in range(1, 8)] + [commit(i, "them@other.example") for i in range(1, 4)]
    signals, skipped = history_signals(commits, now=NOW, member_emails=["ME@acme.example"], current_files={})
    got = values(signals)
    assert got["history.outside_share"] == 0.3
    assert got["history.authors_90d"] == 2
    assert not [s for s in skipped if s.what == "history.outside_share"]


def test_it_leaves_outside_share_unknown_when_the_team_has_no_member_emails():
    commits = [commit(i, f"dev{i}@acme.example") for i in range(1, 10)]
    signals, skipped = history_signals(commits, now=NOW, member_emails=[], current_files={})
    assert "history.outside_share" not in values(signals)
    assert any(s.what == "history.outside_share" for s in skipped)


def test_it_ignores_bots_when_counting_people():
    commits = [commit(i, "me@acme.example") for i in range(1, 6)] + [
        commit(1, "49699333+dependabot[bot]@users.noreply.github.com")
    ]
    got = values(history_signals(commits, now=NOW, member_emails=["me@acme.example"], current_files={})[0])
    assert got["history.outside_share"] == 0.0
    assert got["history.bot_commit_share_90d"] == round(1 / 6, 3)


def test_it_sees_bursty_single_author_work():
    burst = [commit(170 + i * 0.1, "solo@acme.example") for i in range(6)] + [
        commit(3 + i * 0.1, "solo@acme.example") for i in range(6)
    ]
    got = values(history_signals(burst, now=NOW, member_emails=[], current_files={})[0])
    assert got["history.top_author_share"] == 1.0
    assert got["history.active_weeks_share"] <= 0.1
    assert got["history.weekly_variation"] > 2


def test_it_measures_how_long_ago_ci_and_iac_files_changed():
    commits = [
        commit(2, "a@x", files=("src/app.py",)),
        commit(40, "a@x", files=("terraform/main.tf",)),
        commit(400, "a@x", files=(".github/workflows/ci.yml", "terraform/old.tf")),
    ]
    current = {"ci": [".github/workflows/ci.yml"], "iac": ["terraform/main.tf", "terraform/old.tf"], "gitops": []}
    got = values(history_signals(commits, now=NOW, member_emails=[], current_files=current)[0])
    assert got["history.ci_staleness_days"] == 400
    assert got["history.iac_staleness_days"] == 40
    assert "history.gitops_staleness_days" not in got


def test_it_counts_reverts_and_recent_tags():
    commits = [commit(i, "a@x", subject='Revert "Add cache"' if i < 3 else "Work") for i in range(1, 11)]
    got = values(
        history_signals(
            commits, now=NOW, member_emails=[], current_files={}, tags=[NOW - timedelta(days=10), NOW - timedelta(days=300)]
        )[0]
    )
    assert got["history.revert_share_90d"] == 0.2
    assert got["history.tags_180d"] == 1


def test_it_says_an_empty_history_is_unknown():
    signals, skipped = history_signals([], now=NOW, member_emails=["a@x"], current_files={})
    assert signals == []
    assert skipped[0].what == "history"
