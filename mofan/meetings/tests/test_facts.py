"""Meeting facts against hand-counted records: meetings held by kind, compliance by kind,
attendance and hours; their roll-up; the same queries for a small and a bigger tree.

Today is pinned to 2026-03-15; the records are of 2025 (a year that is over) unless a test
says otherwise. The tree (root conftest.py): committee → unit → branch (→ group),
other_branch; committee → far_unit → far_branch.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.core.facts import fact, facts, records_url, shared_work
from mofan.core.periods import Span
from mofan.meetings import services
from mofan.meetings.models import Attendance, Kind
from mofan.meetings.services import AttendanceRow
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

TODAY = date(2026, 3, 15)
YEAR = Span.year(2025)
PRESENT, ABSENT, LEAVE = (
    Attendance.Status.PRESENT,
    Attendance.Status.ABSENT,
    Attendance.Status.LEAVE,
)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def held(org, kind, on, attendance=None, **fields):
    if kind == Kind.LECTURE:
        fields.setdefault("lecturer", "王书记")
    return services.meeting_create_held(
        actor=SYSTEM,
        org=org,
        kind=kind,
        topic=Kind(kind).label,
        held_on=on,
        attendance=attendance,
        **fields,
    )


def rows(members, *statuses):
    return [
        AttendanceRow(m.id, status, "" if status == PRESENT else "出差")
        for m, status in zip(members, statuses, strict=True)
    ]


@pytest.fixture
def records(tree, roll):
    """branch (3 members, no committee): 主题党日 on 10 Jan (2 present, 1 absent; 2.5 h),
    20 Jan (all present; no duration → 2 h) and 5 Mar (1 present, 1 on leave, 1 absent; 1 h);
    支部党员大会 on 1 Feb and 1 Aug (all present; 1.5 h each). Not counted: a meeting planned,
    one cancelled, and 主题党日 on 31 Dec 2024. group: 党小组会 in May. unit: 中心组学习 in
    Q2 (2 h)."""
    people = roll(tree.branch, 3)
    held(
        tree.branch,
        Kind.THEME_DAY,
        date(2025, 1, 10),
        rows(people, PRESENT, PRESENT, ABSENT),
        duration_hours=Decimal("2.5"),
    )
    held(tree.branch, Kind.THEME_DAY, date(2025, 1, 20))
    held(
        tree.branch,
        Kind.THEME_DAY,
        date(2025, 3, 5),
        rows(people, PRESENT, LEAVE, ABSENT),
        duration_hours=Decimal("1"),
    )
    held(tree.branch, Kind.BRANCH_GENERAL, date(2025, 2, 1))
    held(tree.branch, Kind.BRANCH_GENERAL, date(2025, 8, 1))
    services.meeting_plan(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="计划",
        planned_on=date(2025, 4, 1),
    )
    cancelled = services.meeting_plan(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="取消",
        planned_on=date(2025, 6, 1),
    )
    services.meeting_cancel(actor=SYSTEM, meeting=cancelled, reason="改期")
    held(tree.branch, Kind.THEME_DAY, date(2024, 12, 31))
    held(tree.group, Kind.GROUP, date(2025, 5, 8))
    held(tree.unit, Kind.CENTER_GROUP, date(2025, 4, 20))
    return tree


def all_ids(tree):
    return [org.id for org in vars(tree).values()]


def answer(code, tree, span=YEAR, **kwargs):
    values = fact(code)(org_ids=all_ids(tree), span=span, **kwargs)
    return {name: values[org.id] for name, org in vars(tree).items() if values[org.id]}


def test_it_counts_meetings_held_in_the_span_by_kind(records):
    assert answer("meetings.held", records) == {"branch": 5, "group": 1, "unit": 1}
    assert answer("meetings.held.theme_day", records) == {"branch": 3}
    assert answer("meetings.held.branch_general", records) == {"branch": 2}
    assert answer("meetings.held.group", records) == {"group": 1}
    assert answer("meetings.held.center_group", records) == {"unit": 1}
    assert answer("meetings.held.lecture", records) == {}
    assert answer("meetings.held.theme_day", records, span=Span.month(2025, 1)) == {"branch": 2}


def test_it_answers_zero_for_an_org_without_meetings(records):
    assert fact("meetings.held")(org_ids=[records.far_branch.id], span=YEAR) == {
        records.far_branch.id: 0
    }


def parts(code, org, span=YEAR, **kwargs):
    return fact(code).parts(org_ids=[org.id], span=span, as_of=kwargs.get("as_of"))[org.id]


def test_compliance_counts_each_period_at_most_its_required_number(records):
    # 主题党日 monthly: January twice, February none, March once → 2 of 12 months.
    assert parts("meetings.compliance.theme_day", records.branch) == (2, 12)
    assert answer("meetings.compliance.theme_day", records)["branch"] == Decimal("16.7")
    assert parts("meetings.compliance.branch_general", records.branch) == (2, 4)
    assert parts("meetings.compliance.center_group", records.unit) == (1, 4)
    assert parts("meetings.compliance.group", records.group) == (1, 12)
    assert parts("meetings.compliance.theme_day", records.other_branch) == (0, 12)


def test_compliance_by_kind_is_none_where_no_rule_asks_for_that_kind(records):
    rates = fact("meetings.compliance.center_group")(org_ids=all_ids(records), span=YEAR)
    assert rates[records.branch.id] is None  # branches hold no 中心组学习
    # a branch without a committee owes no 支委会 meetings
    assert parts("meetings.compliance.committee", records.branch) == (0, 0)


def test_compliance_of_all_kinds_adds_the_kinds_up(records):
    # 支部党员大会 2/4, 党课 0/4, 主题党日 2/12, 组织生活会 0/1, 民主评议 0/1, 谈心谈话 0/1
    assert parts("meetings.compliance", records.branch) == (4, 23)
    assert answer("meetings.compliance", records)["branch"] == Decimal("17.4")
    assert parts("meetings.compliance", records.unit) == (1, 5)  # 中心组 1/4, 党课 0/1


def test_compliance_in_a_running_year_counts_periods_that_are_over_or_done(tree):
    held(tree.branch, Kind.THEME_DAY, date(2026, 1, 5))
    held(tree.branch, Kind.BRANCH_GENERAL, date(2026, 3, 1))
    this_year = Span.year(2026)  # read on 15 March
    assert parts("meetings.compliance.theme_day", tree.branch, this_year) == (1, 2)
    assert parts("meetings.compliance.branch_general", tree.branch, this_year) == (1, 1)
    assert parts("meetings.compliance.lecture", tree.branch, this_year) == (0, 0)
    as_of_end = parts(
        "meetings.compliance.theme_day", tree.branch, this_year, as_of=date(2026, 12, 31)
    )
    assert as_of_end == (1, 12)


def test_compliance_counts_the_whole_months_of_an_odd_range(records):
    odd = Span.between(date(2025, 1, 15), date(2025, 4, 10))  # February and March
    assert parts("meetings.compliance.theme_day", records.branch, odd) == (1, 2)
    too_short = Span.between(date(2025, 1, 15), date(2025, 2, 10))
    assert parts("meetings.compliance.theme_day", records.branch, too_short) == (0, 0)


def test_attendance_is_present_over_expected_of_the_held_meetings(records):
    # 10 Jan 2/3, 20 Jan 3/3, 5 Mar 1/3, 1 Feb 3/3, 1 Aug 3/3 → 12 / 15
    assert parts("meetings.attendance", records.branch) == (12, 15)
    assert answer("meetings.attendance", records) == {"branch": Decimal("80.0")}
    rates = fact("meetings.attendance")(org_ids=all_ids(records), span=YEAR)
    assert rates[records.group.id] is None  # nobody expected


def test_hours_count_the_usual_duration_where_none_was_recorded(records):
    assert answer("meetings.hours", records) == {
        "branch": Decimal("8.5"),  # 2.5 + 2 + 1 + 1.5 + 1.5
        "group": Decimal("1.0"),
        "unit": Decimal("2.0"),
    }


def test_it_rolls_counts_and_rates_up_the_tree(records):
    unit, committee = records.unit.id, records.committee.id
    held_below = rollup_under("meetings.held", root_ids=[unit, committee], span=YEAR)
    assert held_below == {unit: 7, committee: 7}
    # unit 1/5 + branch 4/23 + group 1/12 + other_branch 0/23 = 6/63
    rate = rollup_under("meetings.compliance", root_ids=[unit], span=YEAR)
    assert rate == {unit: Decimal("9.5")}
    assert rollup_under("meetings.attendance", root_ids=[unit], span=YEAR) == {
        unit: Decimal("80.0")
    }


MEETING_FACTS = [f.code for f in facts() if f.module == "meetings"]


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_every_meeting_fact_costs_the_same_queries_for_a_bigger_tree(
    records, roll, django_assert_max_num_queries
):
    def call(code):
        return lambda: rollup_under(code, root_ids=[records.committee.id], span=YEAR)

    small = {code: count_queries(call(code)) for code in MEETING_FACTS}
    for n in range(12):
        branch = make_org(records.far_unit, OrgType.BRANCH)
        roll(branch, 2)
        held(branch, Kind.THEME_DAY, date(2025, 1 + n % 12, 3))
        held(branch, Kind.BRANCH_GENERAL, date(2025, 6, 3), duration_hours=Decimal("2"))
    for code in MEETING_FACTS:
        with django_assert_max_num_queries(small[code]):
            call(code)()
    assert max(small.values()) <= 8
    assert len(MEETING_FACTS) == 22


def test_compliance_rates_of_every_kind_share_one_evaluation_inside_shared_work(records):
    codes = [code for code in MEETING_FACTS if code.startswith("meetings.compliance")]
    roots = [records.unit.id, records.committee.id]
    apart = {code: rollup_under(code, root_ids=roots, span=YEAR) for code in codes}
    with shared_work():
        first = count_queries(lambda: rollup_under(codes[0], root_ids=roots, span=YEAR))
        together = {}
        others = count_queries(
            lambda: together.update(
                {code: rollup_under(code, root_ids=roots, span=YEAR) for code in codes[1:]}
            )
        )
    assert first > 0 and others == 0
    assert together == {code: apart[code] for code in codes[1:]}


HELD_FACTS = [code for code in MEETING_FACTS if code.startswith("meetings.held")]


@pytest.mark.parametrize("code", ["meetings.held", "meetings.held.theme_day"])
def test_a_count_of_meetings_links_to_the_list_of_exactly_those_meetings(
    records, users, login, code
):
    counted = rollup_under(code, root_ids=[records.unit.id], span=YEAR)[records.unit.id]
    url = records_url(code, org_id=records.unit.id, span=YEAR)
    assert url.startswith("/meetings/?")
    page = login(users.committee_admin).get(url).content.decode()
    listed = page.split("<tbody", 1)[1].split("</tbody>", 1)[0].count("<tr")
    assert counted > 0 and listed == counted


def test_every_count_of_meetings_and_compliance_rate_has_its_records_page():
    assert all(records_url(code, org_id=1, span=YEAR) for code in HELD_FACTS)
    compliance = [code for code in MEETING_FACTS if code.startswith("meetings.compliance")]
    assert all(records_url(code, org_id=1, span=YEAR) for code in compliance)
