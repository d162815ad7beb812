"""Span: the one period type, half-open [start, end), for months, quarters, years and any range."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mofan.core.periods import Span, periods_in, span_of

years = st.integers(min_value=2000, max_value=2100)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def test_it_builds_a_month_a_quarter_and_a_year():
    assert Span.month(2026, 2) == Span(date(2026, 2, 1), date(2026, 3, 1))
    assert Span.month(2026, 12) == Span(date(2026, 12, 1), date(2027, 1, 1))
    assert Span.quarter(2026, 4) == Span(date(2026, 10, 1), date(2027, 1, 1))
    assert Span.year(2028) == Span(date(2028, 1, 1), date(2029, 1, 1))


def test_it_takes_any_date_range_with_both_ends_included():
    span = Span.between(date(2026, 3, 5), date(2026, 4, 10))
    assert span.end == date(2026, 4, 11)
    assert span.last == date(2026, 4, 10)
    assert span.contains(date(2026, 3, 5)) and date(2026, 4, 10) in span
    assert not span.contains(date(2026, 4, 11)) and date(2026, 3, 4) not in span


def test_it_refuses_an_empty_span():
    with pytest.raises(ValueError):
        Span(date(2026, 3, 1), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("span", "label"),
    [
        (Span.month(2026, 3), "2026年3月"),
        (Span.quarter(2026, 2), "2026年第2季度"),
        (Span.year(2026), "2026年"),
        (Span(date(2026, 3, 1), date(2026, 6, 1)), "2026年3月至5月"),
        (Span(date(2026, 11, 1), date(2027, 3, 1)), "2026年11月至2027年2月"),
        (Span.between(date(2026, 3, 5), date(2026, 4, 10)), "2026年3月5日至2026年4月10日"),
    ],
)
def test_it_labels_a_span_as_pages_print_it(span, label):
    assert span.label == label


def test_span_of_picks_the_month_then_the_quarter_then_the_year():
    assert span_of(2026, quarter=2, month=5) == Span.month(2026, 5)
    assert span_of(2026, quarter=2) == Span.quarter(2026, 2)
    assert span_of(2026) == Span.year(2026)


def test_it_cuts_a_year_into_months_and_quarters():
    year = Span.year(2026)
    assert year.periods("quarter") == [Span.quarter(2026, q) for q in range(1, 5)]
    assert year.periods("month") == [Span.month(2026, m) for m in range(1, 13)]
    assert year.periods("year") == [year]
    assert periods_in(Span.quarter(2026, 1), "year") == []


def test_it_lists_the_months_that_begin_inside_a_span():
    assert Span.quarter(2026, 1).month_starts == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    odd = Span.between(date(2026, 1, 15), date(2026, 3, 1))
    assert odd.month_starts == [date(2026, 2, 1), date(2026, 3, 1)]


def test_it_finds_the_whole_months_inside_a_span():
    assert Span.year(2026).whole_months == Span.year(2026)
    odd = Span.between(date(2026, 1, 15), date(2026, 4, 10))
    assert odd.whole_months == Span(date(2026, 2, 1), date(2026, 4, 1))
    assert Span.between(date(2026, 1, 15), date(2026, 2, 10)).whole_months is None


@given(day=days)
def test_the_month_and_quarter_of_a_day_contain_it(day):
    month, quarter = Span.month_of(day), Span.quarter_of(day)
    assert day in month and day in quarter
    assert month.month_count == 1 and quarter.month_count == 3
    assert quarter.start.month % 3 == 1
    assert month.months == [day.month]


@given(year=years, quarter=st.integers(min_value=1, max_value=4))
def test_every_month_of_a_quarter_is_in_it(year, quarter):
    span = Span.quarter(year, quarter)
    assert span.months == [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    assert [m.start for m in span.periods("month")] == span.month_starts
