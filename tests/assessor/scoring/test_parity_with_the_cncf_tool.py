"""On the same answers, our per-aspect means equal the CNCF self-assessment tool's rule.

The tool scores each aspect as the mean of the answered option values (1-4), shown to two decimals,
0 when nothing was answered; there is no weighting and no overall score. The reference below is
written from that rule independently of the scoring module.
"""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.scoring.claims import respondent_scores
from assessor.scoring.frames import ASPECTS
from tests.assessor.scoring.build import frame, maturity


def cncf_tool_mean(values: list[int]) -> float:
    if not values:
        return 0.0
    return float((Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


answers_per_aspect = st.fixed_dictionaries(
    {aspect: st.lists(st.sampled_from([1, 2, 3, 4, None]), min_size=4, max_size=4) for aspect in ASPECTS}
)


@settings(max_examples=200, deadline=None)
@given(answers_per_aspect)
def test_our_means_equal_the_tools_for_any_answers(answers):
    scores = respondent_scores(frame(*[maturity(1, aspect, levels) for aspect, levels in answers.items()]))
    ours = dict(zip(scores["aspect"], scores["score"], strict=True))
    for aspect, levels in answers.items():
        answered = [level for level in levels if level is not None]
        assert ours.get(aspect, 0.0) == cncf_tool_mean(answered)


def test_known_examples():
    scores = respondent_scores(frame(maturity(1, "investment", [2, 3, 3, 3]), maturity(1, "adoption", [1, 2, 2, None])))
    assert dict(zip(scores["aspect"], scores["score"], strict=True)) == {"adoption": 1.67, "investment": 2.75}
