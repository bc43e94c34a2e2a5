import pytest

from assessor.scoring.agreement import agreement


@pytest.mark.parametrize(
    ("respondents", "spread", "disagreement", "label"),
    [
        (1, 0.0, False, "One answer so far"),
        (3, 0.0, False, "Close views"),
        (3, 0.99, False, "Close views"),
        (3, 1.0, False, "Views differ"),
        (3, 1.25, False, "Views differ"),
        (3, 0.5, True, "Split views"),
        (2, 2.0, True, "Split views"),
        (2, None, False, "Close views"),
    ],
)
def test_it_words_agreement_by_spread_and_split_questions(respondents, spread, disagreement, label):
    assert agreement(respondents=respondents, spread=spread, disagreement=disagreement).label == label


def test_views_a_level_apart_are_never_called_close():
    words = agreement(respondents=4, spread=1.25, disagreement=False)

    assert "Close" not in words.label
    assert words.tone == "warn"
