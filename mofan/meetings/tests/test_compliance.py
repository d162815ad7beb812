"""Compliance with the frequency rules: required vs held per org and kind for a month, quarter
or year; the statuses 已完成 / 临期 / 未完成 / 未到期; the rules are data in FrequencyRule."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mofan.core.access import SYSTEM
from mofan.core.periods import Span, periods_in, span_of
from mofan.meetings import services
from mofan.meetings.compliance import (
    DONE,
    DUE_SOON,
    NOT_DONE,
    NOT_YET,
    ORG_ROW_FIELDS,
    STATUS_LABELS,
    OrgRow,
    compliance,
    compliance_totals,
    held_by_month,
    status_of,
)
from mofan.meetings.models import FrequencyRule, Kind, Period
from mofan.orgs.models import Org, OrgType
from mofan.site.tests.factories import make_org

YEAR = date.today().year - 1  # a year that is over: every period has ended
BRANCH_KINDS = {
    Kind.BRANCH_GENERAL,
    Kind.COMMITTEE,
    Kind.LECTURE,
    Kind.THEME_DAY,
    Kind.LIFE_MEETING,
    Kind.APPRAISAL,
    Kind.TALK,
}


def held(org, kind, on, **fields):
    if kind == Kind.LECTURE:
        fields.setdefault("lecturer", "王书记")
    return services.meeting_create_held(
        actor=SYSTEM, org=org, kind=kind, topic=f"{Kind(kind).label}", held_on=on, **fields
    )


def lines_of(org, span, today):
    orgs = Org.objects.filter(pk=org.pk)
    return {line.kind: line for line in compliance(list(orgs), orgs, span, today)[org.id]}


def year_end():
    return date(YEAR + 1, 1, 10)


def rule(kind, org_type="branch"):
    [found] = [r for r in FrequencyRule.objects.filter(kind=kind) if org_type in r.org_types]
    return found


# --- required vs held ---------------------------------------------------------------------


def test_it_lists_the_default_rules_for_a_branch_with_a_committee(tree, seat):
    seat(tree.branch, "张三", "secretary")
    lines = lines_of(tree.branch, span_of(YEAR), year_end())
    assert set(lines) == BRANCH_KINDS
    required = {kind: line.required for kind, line in lines.items()}
    assert required == {
        Kind.BRANCH_GENERAL: 4,
        Kind.COMMITTEE: 12,
        Kind.LECTURE: 4,
        Kind.THEME_DAY: 12,
        Kind.LIFE_MEETING: 1,
        Kind.APPRAISAL: 1,
        Kind.TALK: 1,
    }
    assert {line.status for line in lines.values()} == {NOT_DONE}


def test_it_asks_for_a_committee_meeting_only_where_there_are_committee_seats(tree, seat):
    assert Kind.COMMITTEE not in lines_of(tree.branch, span_of(YEAR), year_end())
    seat(tree.branch, "张三", "secretary")
    assert lines_of(tree.branch, span_of(YEAR), year_end())[Kind.COMMITTEE].required == 12


def test_it_asks_party_groups_and_organ_committees_for_their_own_kinds(tree):
    assert set(lines_of(tree.group, span_of(YEAR), year_end())) == {Kind.GROUP}
    unit = lines_of(tree.unit, span_of(YEAR), year_end())
    assert {k: line.required for k, line in unit.items()} == {
        Kind.LECTURE: 1,
        Kind.CENTER_GROUP: 4,
    }
    far_unit = lines_of(tree.far_unit, span_of(YEAR), year_end())  # 党总支: yearly 党课
    assert {k: line.required for k, line in far_unit.items()} == {Kind.LECTURE: 1}


def test_it_counts_held_meetings_per_quarter_and_marks_the_year_by_its_worst_quarter(tree):
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 1, 15))
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 2, 20))  # a second one in Q1
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 7, 1))
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 12, 31))

    line = lines_of(tree.branch, span_of(YEAR), year_end())[Kind.BRANCH_GENERAL]
    assert (line.held, line.required) == (4, 4)
    assert [(p.label, req, got, status) for p, req, got, status in line.periods] == [
        (f"{YEAR}年第1季度", 1, 2, DONE),
        (f"{YEAR}年第2季度", 1, 0, NOT_DONE),
        (f"{YEAR}年第3季度", 1, 1, DONE),
        (f"{YEAR}年第4季度", 1, 1, DONE),
    ]
    assert line.status == NOT_DONE
    assert line.status_label == "未完成"

    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 6, 30))
    line = lines_of(tree.branch, span_of(YEAR), year_end())[Kind.BRANCH_GENERAL]
    assert line.status == DONE
    assert line.status_label == "已完成"


def test_it_counts_for_a_quarter_or_a_month_only_the_rules_that_fit_in_it(tree, seat):
    seat(tree.branch, "张三", "secretary")
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 4, 8))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 5, 8))

    quarter = lines_of(tree.branch, span_of(YEAR, quarter=2), year_end())
    assert {k: (line.held, line.required) for k, line in quarter.items()} == {
        Kind.BRANCH_GENERAL: (0, 1),
        Kind.COMMITTEE: (0, 3),
        Kind.LECTURE: (0, 1),
        Kind.THEME_DAY: (2, 3),
    }
    month = lines_of(tree.branch, span_of(YEAR, month=5), year_end())
    assert {k: (line.held, line.required, line.status) for k, line in month.items()} == {
        Kind.COMMITTEE: (0, 1, NOT_DONE),
        Kind.THEME_DAY: (1, 1, DONE),
    }


def test_it_counts_only_held_meetings_of_the_org_within_the_span(tree, users, yesterday):
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 3, 31))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 4, 1))  # next month
    held(tree.other_branch, Kind.THEME_DAY, date(YEAR, 3, 10))  # another branch
    held(tree.branch, Kind.TALK, date(YEAR, 3, 10))  # another kind
    planned = services.meeting_plan(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="计划",
        planned_on=date(YEAR, 3, 5),
    )
    cancelled = services.meeting_plan(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="取消",
        planned_on=date(YEAR, 3, 6),
    )
    services.meeting_cancel(actor=SYSTEM, meeting=cancelled, reason="改期")

    line = lines_of(tree.branch, span_of(YEAR, month=3), year_end())[Kind.THEME_DAY]
    assert line.held == 1
    services.meeting_record(actor=SYSTEM, meeting=planned, held_on=date(YEAR, 3, 5))
    assert lines_of(tree.branch, span_of(YEAR, month=3), year_end())[Kind.THEME_DAY].held == 2


def test_it_checks_every_org_of_a_sub_tree_at_once(tree):
    held(tree.group, Kind.GROUP, date(YEAR, 1, 9))
    orgs = Org.objects.filter(path__startswith=tree.unit.path).order_by("path")
    result = compliance(list(orgs), orgs, span_of(YEAR, month=1), year_end())
    assert set(result) == {o.id for o in orgs}
    assert [(line.kind, line.status) for line in result[tree.group.id]] == [(Kind.GROUP, DONE)]
    assert [(line.kind, line.status) for line in result[tree.branch.id]] == [
        (Kind.THEME_DAY, NOT_DONE)
    ]
    assert result[tree.unit.id] == []  # no monthly rule for a 机关党委


# --- statuses against "today" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(YEAR, 2, 28), NOT_YET),  # before the period
        (date(YEAR, 3, 1), NOT_YET),  # its first day
        (date(YEAR, 5, 21), NOT_YET),  # 11 days left
        (date(YEAR, 5, 22), DUE_SOON),  # the last 10 days
        (date(YEAR, 5, 31), DUE_SOON),  # the last day
        (date(YEAR, 6, 1), NOT_DONE),  # over
    ],
)
def test_it_marks_a_period_due_soon_in_its_last_ten_days_and_not_done_after(today, status):
    span = Span(date(YEAR, 3, 1), date(YEAR, 6, 1))
    assert status_of(span, 1, 0, today) == status
    assert status_of(span, 1, 1, today) == DONE


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(YEAR, 3, 31), NOT_YET),
        (date(YEAR, 6, 20), NOT_YET),
        (date(YEAR, 6, 21), DUE_SOON),
        (date(YEAR, 6, 30), DUE_SOON),
        (date(YEAR, 7, 1), NOT_DONE),
    ],
)
def test_it_gives_a_line_the_status_of_its_period_against_today(tree, today, status):
    line = lines_of(tree.branch, span_of(YEAR, quarter=2), today)[Kind.BRANCH_GENERAL]
    assert line.status == status
    assert line.status_label == STATUS_LABELS[status]


def test_it_marks_a_period_done_as_soon_as_enough_meetings_are_held(tree):
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 4, 2))
    for today in (date(YEAR, 4, 3), date(YEAR, 6, 25), date(YEAR + 1, 1, 1)):
        line = lines_of(tree.branch, span_of(YEAR, quarter=2), today)[Kind.BRANCH_GENERAL]
        assert line.status == DONE


# --- the rules are data -------------------------------------------------------------------


def test_it_follows_a_changed_number_of_required_meetings(tree):
    held(tree.branch, Kind.LECTURE, date(YEAR, 2, 1))
    span = span_of(YEAR, quarter=1)
    assert lines_of(tree.branch, span, year_end())[Kind.LECTURE].status == DONE

    FrequencyRule.objects.filter(pk=rule(Kind.LECTURE).pk).update(required=2)
    line = lines_of(tree.branch, span, year_end())[Kind.LECTURE]
    assert (line.held, line.required, line.status) == (1, 2, NOT_DONE)


def test_it_follows_a_changed_period(tree):
    held(tree.branch, Kind.LECTURE, date(YEAR, 2, 1))
    FrequencyRule.objects.filter(pk=rule(Kind.LECTURE).pk).update(period=Period.MONTH)
    line = lines_of(tree.branch, span_of(YEAR), year_end())[Kind.LECTURE]
    assert (line.held, line.required) == (1, 12)
    assert [status for *_, status in line.periods].count(DONE) == 1

    FrequencyRule.objects.filter(pk=rule(Kind.LECTURE).pk).update(period=Period.YEAR)
    line = lines_of(tree.branch, span_of(YEAR), year_end())[Kind.LECTURE]
    assert (line.held, line.required, line.status) == (1, 1, DONE)


def test_it_drops_a_disabled_rule_and_adds_a_new_one(tree):
    FrequencyRule.objects.filter(pk=rule(Kind.TALK).pk).update(enabled=False)
    FrequencyRule.objects.create(
        kind=Kind.CENTER_GROUP, org_types=["general_branch"], period=Period.YEAR, required=2
    )
    assert Kind.TALK not in lines_of(tree.branch, span_of(YEAR), year_end())
    far_unit = lines_of(tree.far_unit, span_of(YEAR), year_end())
    assert far_unit[Kind.CENTER_GROUP].required == 2


def test_it_applies_a_rule_to_another_org_type_when_the_rule_says_so(tree):
    assert Kind.THEME_DAY not in lines_of(tree.group, span_of(YEAR), year_end())
    FrequencyRule.objects.create(
        kind=Kind.THEME_DAY, org_types=["party_group"], period=Period.QUARTER
    )
    assert lines_of(tree.group, span_of(YEAR), year_end())[Kind.THEME_DAY].required == 4


def test_it_keeps_the_number_of_queries_fixed_for_many_orgs(
    tree, django_assert_max_num_queries, seat
):
    seat(tree.branch, "张三", "secretary")
    for _ in range(12):
        branch = make_org(tree.unit, OrgType.BRANCH)
        seat(branch, "李四", "secretary")
        held(branch, Kind.THEME_DAY, date(YEAR, 1, 5))
    orgs = Org.objects.filter(path__startswith=tree.committee.path)
    orgs_list = list(orgs)
    with django_assert_max_num_queries(3):
        result = compliance(orgs_list, orgs, span_of(YEAR), year_end())
    assert len(result) == len(orgs_list)


# --- held per month, and the totals without the periods ----------------------------------


def test_it_counts_held_meetings_per_month_of_the_span(tree):
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 1, 1))  # the first day
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 1, 31))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 2, 1))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 12, 31))  # the last day
    held(tree.branch, Kind.TALK, date(YEAR, 6, 15))
    held(tree.branch, Kind.THEME_DAY, date(YEAR + 1, 1, 1))  # the day after
    orgs = Org.objects.filter(pk=tree.branch.pk)
    assert held_by_month(orgs, span_of(YEAR)) == {
        (tree.branch.id, Kind.THEME_DAY): [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        (tree.branch.id, Kind.TALK): [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    }
    assert held_by_month(orgs, span_of(YEAR, quarter=1)) == {
        (tree.branch.id, Kind.THEME_DAY): [2, 1, 0]
    }
    assert held_by_month(orgs, span_of(YEAR, month=12)) == {(tree.branch.id, Kind.THEME_DAY): [1]}


def test_it_keeps_the_months_of_a_span_longer_than_a_year_apart(tree):
    held(tree.branch, Kind.THEME_DAY, date(YEAR - 1, 3, 8))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 3, 8))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 3, 18))
    two_years = Span(date(YEAR - 1, 1, 1), date(YEAR + 1, 1, 1))
    line = lines_of(tree.branch, two_years, year_end())[Kind.THEME_DAY]
    assert (line.required, line.held) == (24, 3)
    got = [n for _, _, n, _ in line.periods]
    assert (got[2], got[14], sum(got)) == (1, 2, 3)


@pytest.fixture
def varied_year(tree, seat):
    """Some kinds held, some partly, some not at all (the committee meeting of a branch with
    a committee), in a branch, its party group, another branch and the units."""
    seat(tree.branch, "张三", "secretary")
    for month in range(1, 13, 2):
        held(tree.branch, Kind.THEME_DAY, date(YEAR, month, 5))
    held(tree.branch, Kind.THEME_DAY, date(YEAR, 2, 27))
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 5, 10))
    held(tree.branch, Kind.BRANCH_GENERAL, date(YEAR, 6, 10))  # two in one quarter
    held(tree.branch, Kind.LECTURE, date(YEAR, 12, 30))
    held(tree.group, Kind.GROUP, date(YEAR, 4, 1))
    held(tree.other_branch, Kind.LIFE_MEETING, date(YEAR, 1, 20))
    held(tree.unit, Kind.CENTER_GROUP, date(YEAR, 8, 8))
    held(tree.far_unit, Kind.LECTURE, date(YEAR, 3, 3))
    return Org.objects.filter(path__startswith=tree.committee.path).order_by("path")


@pytest.mark.parametrize(
    "span",
    [
        span_of(YEAR),
        *(span_of(YEAR, quarter=q) for q in (1, 2, 3, 4)),
        *(span_of(YEAR, month=m) for m in (1, 2, 5, 6, 12)),
    ],
    ids=lambda span: span.label,
)
@pytest.mark.parametrize(
    "today",
    [date(YEAR, 1, 1), date(YEAR, 2, 20), date(YEAR, 6, 25), date(YEAR, 12, 31), year_end()],
)
def test_its_totals_are_those_of_the_lines(varied_year, span, today):
    orgs = list(varied_year)
    rows = list(map(OrgRow._make, varied_year.values_list(*ORG_ROW_FIELDS)))
    lines = compliance(orgs, varied_year, span, today)
    assert compliance(rows, varied_year, span, today) == lines  # org rows instead of instances
    assert compliance_totals(rows, varied_year, span, today) == {
        org_id: [(line.kind, line.required, line.held, line.status) for line in org_lines]
        for org_id, org_lines in lines.items()
    }


def test_its_totals_cost_the_same_queries_as_the_lines(varied_year, django_assert_num_queries):
    rows = list(map(OrgRow._make, varied_year.values_list(*ORG_ROW_FIELDS)))
    with django_assert_num_queries(3):
        totals = compliance_totals(rows, varied_year, span_of(YEAR), year_end())
    assert len(totals) == len(rows)


# --- the period arithmetic, for any year, quarter and month --------------------------------

years = st.integers(min_value=2000, max_value=2100)
quarters = st.integers(min_value=1, max_value=4)
months = st.integers(min_value=1, max_value=12)
periods = st.sampled_from([Period.MONTH, Period.QUARTER, Period.YEAR])
STEP = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


@st.composite
def spans(draw):
    year = draw(years)
    which = draw(st.sampled_from(["year", "quarter", "month"]))
    if which == "quarter":
        return span_of(year, quarter=draw(quarters))
    if which == "month":
        return span_of(year, month=draw(months))
    return span_of(year)


@given(span=spans(), period=periods)
def test_it_cuts_any_span_into_whole_back_to_back_periods(span, period):
    parts = periods_in(span, period)
    if STEP[period] > span.month_count:
        assert parts == []
        return
    assert len(parts) == span.month_count // STEP[period]
    assert parts[0].start == span.start
    assert parts[-1].end == span.end
    for earlier, later in zip(parts, parts[1:], strict=False):
        assert earlier.end == later.start
    for part in parts:
        assert part.month_count == STEP[period]
        assert part.start.day == 1
        assert len(part.months) == STEP[period]
    assert sorted(m for part in parts for m in part.months) == sorted(span.months)


@given(year=years, quarter=quarters)
def test_it_puts_every_month_of_a_quarter_into_it(year, quarter):
    span = span_of(year, quarter=quarter)
    assert span.months == [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    assert span.label == f"{year}年第{quarter}季度"
    assert span_of(year).months == list(range(1, 13))


@given(
    span=spans(),
    required=st.integers(min_value=0, max_value=5),
    held_count=st.integers(min_value=0, max_value=8),
    offset=st.integers(min_value=-400, max_value=400),
)
def test_it_gives_every_period_exactly_one_status_by_the_rules(span, required, held_count, offset):
    today = span.start + timedelta(days=offset)
    status = status_of(span, required, held_count, today)
    days_left = (span.end - today).days
    if held_count >= required:
        expected = DONE
    elif today >= span.end:
        expected = NOT_DONE
    elif today >= span.start and days_left <= 10:
        expected = DUE_SOON
    else:
        expected = NOT_YET
    assert status == expected
    assert STATUS_LABELS[status]


@given(
    span=spans(),
    required=st.integers(min_value=1, max_value=5),
    offset=st.integers(min_value=-400, max_value=400),
)
def test_it_never_makes_a_period_worse_by_holding_one_more_meeting(span, required, offset):
    today = span.start + timedelta(days=offset)
    rank = {DONE: 0, NOT_YET: 1, DUE_SOON: 2, NOT_DONE: 3}
    for count in range(required + 1):
        assert (
            rank[status_of(span, required, count + 1, today)]
            <= rank[status_of(span, required, count, today)]
        )
