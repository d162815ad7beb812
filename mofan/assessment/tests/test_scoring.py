from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mofan.assessment.scoring import (
    Band,
    Event,
    Grade,
    RuleError,
    after_deduction,
    after_deduction_of_count,
    by_ratio,
    by_thresholds,
    capped_bonus,
    check_bands,
    grade_for,
    per_occurrence,
    reviewed,
)

maxima = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("100"), places=1)
rates = st.one_of(
    st.none(), st.decimals(min_value=Decimal("-10"), max_value=Decimal("250"), places=1)
)
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=1)
BANDS = [
    Band(Decimal(95), Decimal(100)),
    Band(Decimal(80), Decimal(80)),
    Band(Decimal(60), Decimal(50)),
]
GRADES = [
    Grade("好", Decimal(90)),
    Grade("较好", Decimal(80)),
    Grade("一般", Decimal(60)),
    Grade("差", Decimal(0)),
]


@given(rate=rates, maximum=maxima)
def test_a_ratio_never_leaves_zero_to_max(rate, maximum):
    assert 0 <= by_ratio(rate, maximum) <= maximum


@given(value=rates, maximum=maxima)
def test_a_threshold_score_never_leaves_zero_to_max(value, maximum):
    assert 0 <= by_thresholds(value, BANDS, maximum) <= maximum


@given(count=st.integers(min_value=0, max_value=10_000), each=amounts, maximum=maxima)
def test_occurrences_are_capped_at_the_maximum(count, each, maximum):
    assert 0 <= per_occurrence(count, each, maximum) <= maximum


@given(keys=st.lists(st.sampled_from(["t:1", "t:2", "t:3", "m:9"]), max_size=30), maximum=maxima)
def test_a_deduction_counts_each_event_once_and_stops_at_zero(keys, maximum):
    each = Decimal(1)
    score = after_deduction([Event(key) for key in keys], each, maximum)
    assert 0 <= score <= maximum
    assert score == Decimal(max(maximum - len(set(keys)), 0)).quantize(Decimal("0.01"))


@given(items=st.lists(amounts, max_size=20), cap=maxima)
def test_the_bonus_cap_holds(items, cap):
    assert 0 <= capped_bonus(items, cap) <= cap


@given(total=st.decimals(min_value=0, max_value=120, places=2))
def test_a_veto_always_gives_the_lowest_grade(total):
    assert grade_for(total, GRADES, vetoed=True).label == "差"


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (Decimal("95"), "好"),
        (Decimal("90"), "好"),
        (Decimal("89.99"), "较好"),
        (Decimal("60"), "一般"),
        (Decimal("12"), "差"),
    ],
)
def test_the_grade_is_the_highest_band_reached(total, label):
    assert grade_for(total, GRADES).label == label


def test_a_ratio_is_the_rate_share_of_the_maximum_rounded_half_up():
    assert by_ratio(Decimal("92.5"), Decimal(5)) == Decimal("4.63")
    assert by_ratio(None, Decimal(5)) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(100), "10.00"),
        (Decimal(95), "10.00"),
        (Decimal("94.9"), "8.00"),
        (Decimal(60), "5.00"),
        (Decimal(59), "0.00"),
    ],
)
def test_thresholds_take_the_first_band_reached(value, expected):
    assert by_thresholds(value, BANDS, Decimal(10)) == Decimal(expected)


def test_a_deduction_from_a_fact_takes_its_count():
    assert after_deduction_of_count(3, Decimal("0.5"), Decimal(2)) == Decimal("0.50")
    assert after_deduction_of_count(9, Decimal("0.5"), Decimal(2)) == 0


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "至少需要一个档次"),
        ([Band(Decimal(90), Decimal(120))], "0 到 100"),
        ([Band(Decimal(90), Decimal(50)), Band(Decimal(90), Decimal(40))], "重复"),
        ([Band(Decimal(90), Decimal(50)), Band(Decimal(80), Decimal(60))], "不应高于"),
    ],
)
def test_bands_that_make_no_sense_are_refused_in_chinese(bands, message):
    with pytest.raises(RuleError, match=message):
        check_bands(bands)


@pytest.mark.parametrize(
    ("score", "message"), [("11", "0 到 10 分"), ("-1", "0 到 10 分"), ("八", "应为数字")]
)
def test_a_reviewer_score_outside_the_range_is_refused(score, message):
    with pytest.raises(RuleError, match=message):
        reviewed(score, Decimal(10))


def test_a_reviewer_score_keeps_two_places():
    assert reviewed("7.456", Decimal(10)) == Decimal("7.46")
