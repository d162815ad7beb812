"""The arithmetic of the results: counts, the share of 好 and 较好, the weighted score, ranks."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mofan.appraisal.results import GRADES, good_share, tally, weighted_score

VALUES = {"good": 100, "fair": 80, "average": 60, "poor": 0}


def test_the_score_weights_each_panels_mean():
    # Panel 1 (weight 40): 好, 较好 → mean 90; panel 2 (weight 60): 一般 ×2 → 60.
    ratings = [(1, 1, "good"), (1, 1, "fair"), (1, 2, "average"), (1, 2, "average")]
    line = tally(
        ratings, reporter_ids=[1], weights={1: Decimal(40), 2: Decimal(60)}, values=VALUES
    )[1]
    assert line.score == Decimal("72.00")  # 0.4 × 90 + 0.6 × 60
    assert line.counts == {"good": 1, "fair": 1, "average": 2, "poor": 0}
    assert line.good_share == Decimal("50.0")


def test_a_panel_without_votes_leaves_the_others_to_carry_the_score():
    weights = {1: Decimal(30), 2: Decimal(70)}
    assert (
        weighted_score({1: {"good": 2, "fair": 0, "average": 0, "poor": 0}}, weights, VALUES) == 100
    )


def test_ties_share_a_rank_and_reporters_without_votes_come_last():
    ratings = [(1, 1, "good"), (2, 1, "good"), (3, 1, "poor")]
    lines = tally(ratings, reporter_ids=[1, 2, 3, 4], weights={1: Decimal(100)}, values=VALUES)
    assert [lines[i].rank for i in (1, 2, 3, 4)] == [1, 1, 3, 3]
    assert lines[4].total == 0 and lines[4].good_share == 0


def test_the_share_rounds_to_one_decimal():
    assert good_share({"good": 1, "fair": 1, "average": 1, "poor": 0}) == Decimal("66.7")


counts = st.fixed_dictionaries({g: st.integers(0, 50) for g in GRADES})


@given(
    panels=st.dictionaries(st.integers(1, 4), counts, min_size=1, max_size=4),
    weights=st.lists(st.integers(1, 100), min_size=4, max_size=4),
)
def test_the_score_lies_between_the_worst_and_best_grade_values(panels, weights):
    by_panel = {p: c for p, c in panels.items() if sum(c.values())}
    score = weighted_score(
        by_panel, dict(zip(range(1, 5), map(Decimal, weights), strict=True)), VALUES
    )
    if not by_panel:
        assert score == 0
        return
    rated = [VALUES[g] for c in by_panel.values() for g, n in c.items() if n]
    assert min(rated) <= score <= max(rated)
    # Equal weights and one panel: the plain mean of the values.
    if len(by_panel) == 1:
        (only,) = by_panel.values()
        mean = Decimal(sum(VALUES[g] * n for g, n in only.items())) / sum(only.values())
        assert abs(score - mean) <= Decimal("0.005")


@given(counts)
def test_the_share_is_a_percentage_of_good_and_fair(grades):
    share = good_share(grades)
    assert 0 <= share <= 100
    if grades["average"] == grades["poor"] == 0 and grades["good"] + grades["fair"]:
        assert share == 100
