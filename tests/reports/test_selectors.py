import pandas as pd

from reports.frames.cooperation import cooperation_frames, free_text_by_capability
from reports.frames.gaps import perception_frame
from reports.selectors import GAP_SCORE_FIELDS, cooperation_answers, latest_scores, links_frame, organization_scope, scope_for
from surveys.selectors import answers_frame
from tests.reports.factories import Answers, submit


def test_the_narrow_answers_give_the_same_gaps_as_every_answer(world):
    submit(world.autumn, [(world.teams[3], Answers(level=3, needs=("data",), delivery="automatic", wait="days"))])
    links = links_frame(world.organization)
    everything = answers_frame(wave_ids=[world.autumn.pk])
    # The scoring read keeps repeated strings categorical; the gap report's own read does not. Same values.
    everything = everything.astype({column: object for column in everything.columns if everything[column].dtype == "category"})
    narrow = cooperation_answers(organization_scope(world.organization), wave_id=world.autumn.pk)

    assert len(narrow) < len(everything) / 3
    for full, part in zip(cooperation_frames(everything, links), cooperation_frames(narrow, links), strict=True):
        pd.testing.assert_frame_equal(full, part, check_dtype=False)
    scope = scope_for(world.admin, world.organization)
    pd.testing.assert_frame_equal(
        free_text_by_capability(everything, scope.teams, {}), free_text_by_capability(narrow, scope.teams, {}), check_dtype=False
    )
    scores = latest_scores(organization_scope(world.organization), wave_ids=[world.autumn.pk], fields=GAP_SCORE_FIELDS)
    pd.testing.assert_frame_equal(perception_frame(scores, everything, links), perception_frame(scores, narrow, links))


def test_a_readers_scope_holds_only_the_teams_they_may_see(world):
    lead = scope_for(world.lead, world.organization)
    admin = scope_for(world.admin, world.organization)

    assert lead.team_ids == [world.teams[1].pk] and not lead.org_wide
    assert lead.team_filter() == [world.teams[1].pk]
    assert admin.org_wide and admin.team_filter() is None
