"""The 工作台's per-unit and whole-scope figures are the facts' own figures: each grouped query
(compliance, tasks, member structure, dues by month) against the registered fact rolled up over
the same orgs, on hand-made records. Today is pinned to 2026-05-20.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mofan.core.access import SYSTEM
from mofan.core.facts import fact
from mofan.core.periods import Span
from mofan.meetings import services as meetings
from mofan.meetings.compliance import DONE, by_unit, compliance
from mofan.meetings.models import Kind
from mofan.members.dues import dues_record_payment
from mofan.members.facts import AGE_BANDS, dues_paid_by_month, structure_totals
from mofan.members.models import Category, Education
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import Org
from mofan.plans import services as plans
from mofan.plans.facts import tasks_by_unit
from mofan.plans.models import Plan
from mofan.site.workbench import workbench_for

TODAY = date(2026, 5, 20)
YEAR = Span.year(2026)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def held(org, kind, on):
    extra = {"lecturer": "王书记"} if kind == Kind.LECTURE else {}
    return meetings.meeting_create_held(
        actor=SYSTEM, org=org, kind=kind, topic=Kind(kind).label, held_on=on, **extra
    )


def units_of(tree):
    return {tree.unit.path: tree.unit.id, tree.far_unit.path: tree.far_unit.id}


def test_compliance_by_unit_is_the_compliance_fact_rolled_up(tree):
    held(tree.branch, Kind.THEME_DAY, date(2026, 1, 10))
    held(tree.branch, Kind.THEME_DAY, date(2026, 1, 20))  # twice in a month counts once
    held(tree.branch, Kind.THEME_DAY, date(2026, 5, 8))  # the running month, done
    held(tree.branch, Kind.BRANCH_GENERAL, date(2026, 2, 3))
    held(tree.other_branch, Kind.LECTURE, date(2026, 4, 2))
    held(tree.far_branch, Kind.TALK, date(2026, 3, 3))  # a yearly rule, done early
    found = by_unit(units_of(tree), Org.objects.all(), YEAR, TODAY)
    expected = rollup_under(
        "meetings.compliance", root_ids=[tree.unit.id, tree.far_unit.id], span=YEAR, as_of=TODAY
    )
    parts = fact("meetings.compliance").parts(
        org_ids=list(Org.objects.values_list("id", flat=True)), span=YEAR, as_of=TODAY
    )
    for unit in (tree.unit, tree.far_unit):
        assert found[unit.id].rate == expected[unit.id]
        inside = Org.objects.filter(path__startswith=unit.path).values_list("id", flat=True)
        assert (found[unit.id].met, found[unit.id].required) == tuple(
            map(sum, zip(*(parts[i] for i in inside), strict=True))
        )
        assert found[unit.id].owed == found[unit.id].required - found[unit.id].met


def test_owing_now_counts_the_orgs_with_a_month_or_quarter_still_open(tree):
    # May: a branch owes its 主题党日 and the quarter's 党员大会 and 党课 until they are held.
    for kind in (Kind.THEME_DAY, Kind.BRANCH_GENERAL, Kind.LECTURE):
        held(tree.branch, kind, date(2026, 5, 6))
    quarter = Span.quarter_of(TODAY)
    found = by_unit(units_of(tree), Org.objects.all(), quarter, TODAY)
    orgs = list(Org.objects.all())
    lines = compliance(orgs, Org.objects.all(), quarter, TODAY)
    owing = {
        org.path
        for org in orgs
        for line in lines[org.id]
        for period, _, _, status in line.periods
        if period.month_count < 12 and period.start <= TODAY < period.end and status != DONE
    }
    for unit in (tree.unit, tree.far_unit):
        inside = {path for path in owing if path.startswith(unit.path)}
        assert found[unit.id].owing_now == len(inside)
    assert tree.other_branch.path in owing and tree.far_branch.path in owing
    assert found[tree.far_unit.id].owing_now == 1  # a 党总支's yearly 党课 is not owed yet


def test_tasks_by_unit_are_the_task_facts_rolled_up(tree):
    plan = plans.plan_create(
        actor=SYSTEM, org=tree.committee, year=2026, kind=Plan.Kind.MASTER, title="方案"
    )

    def task(owner, deadline, percent=None, accepted=False):
        made = plans.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=owner,
            title=f"任务{deadline}",
            start_on=min(deadline, date(2026, 1, 1)),
            deadline=deadline,
        )
        if percent is not None:
            plans.task_report(actor=SYSTEM, task=made, text="进展", percent=percent)
        if accepted:
            plans.task_accept(actor=SYSTEM, task=made)

    task(tree.branch, date(2026, 4, 1))
    task(tree.branch, date(2026, 3, 1), percent=100, accepted=True)
    task(tree.group, date(2026, 9, 1), percent=50)
    task(tree.far_branch, date(2026, 2, 1))
    task(tree.far_branch, date(2025, 12, 1))  # due last year: not in this year's chart
    found = tasks_by_unit(units_of(tree), Org.objects.all(), YEAR, as_of=TODAY)
    for key in ("assigned", "done", "overdue"):
        expected = rollup_under(
            f"plans.tasks.{key}",
            root_ids=[tree.unit.id, tree.far_unit.id],
            span=YEAR,
            as_of=TODAY,
        )
        assert {u: found[u][key] for u in expected} == expected
    assert found[tree.unit.id] == {"assigned": 3, "done": 1, "overdue": 1}


def test_structure_totals_are_the_member_facts_summed(tree, make_member):
    young = {"joined_on": date(2020, 7, 1), "full_member_on": date(2021, 7, 1)}
    make_member(tree.branch, birth_date=date(1997, 1, 1), education=Education.BACHELOR, **young)
    # 30 today, on the last day of the youngest band
    make_member(tree.branch, birth_date=date(1995, 5, 21), education=Education.COLLEGE, **young)
    make_member(tree.other_branch, birth_date=date(1985, 6, 1), education=Education.POSTGRADUATE)
    make_member(
        tree.far_branch,
        birth_date=date(1960, 1, 1),
        category=Category.PROBATIONARY,
        joined_on=date(2026, 1, 5),
        full_member_on=None,
    )
    orgs = Org.objects.all()
    totals = structure_totals(orgs, TODAY)
    ids = list(orgs.values_list("id", flat=True))
    for code, count in totals.items():
        assert sum(fact(code)(org_ids=ids, span=YEAR, as_of=TODAY).values()) == count, code
    assert [totals[f"members.age.{code}"] for code, *_ in AGE_BANDS] == [2, 1, 0, 0, 1]
    assert totals["members.education.bachelor"] == 1
    assert totals["members.probationary"] == 1


def test_age_and_education_facts_are_registered_in_chinese_with_their_unit():
    assert fact("members.age.upto30").label == "30岁及以下的党员"
    assert fact("members.age.over60").unit == "人"
    assert fact("members.education.postgraduate").label == "学历为研究生的党员"


def test_dues_by_month_is_the_paid_fact_of_each_month(tree, make_member):
    member = make_member(tree.branch, joined_on=date(2020, 1, 1), full_member_on=date(2021, 1, 1))
    for month, amount in ((1, "12.50"), (3, "12.50"), (5, "13.00")):
        dues_record_payment(
            actor=SYSTEM,
            member=member,
            month=date(2026, month, 1),
            paid=Decimal(amount),
            paid_on=date(2026, month, 10),
            method="cash",
        )
    paid = dues_paid_by_month(Org.objects.all(), YEAR, as_of=TODAY)
    assert list(paid) == [date(2026, m, 1) for m in range(1, 6)]
    ids = list(Org.objects.values_list("id", flat=True))
    for month, amount in paid.items():
        span = Span.month(2026, month.month)
        assert sum(fact("members.dues.paid")(org_ids=ids, span=span, as_of=TODAY).values()) == (
            amount
        )
    assert paid[date(2026, 3, 1)] == Decimal("12.50") and paid[date(2026, 2, 1)] == 0


def test_the_life_chart_shows_each_units_rate(tree, users):
    held(tree.branch, Kind.THEME_DAY, date(2026, 1, 10))
    chart = workbench_for(actor=users.committee_admin, today=TODAY).charts["chart-life"]
    bars = {bar["name"]: bar for bar in chart["series"][0]["data"]}
    expected = rollup_under(
        "meetings.compliance", root_ids=[tree.unit.id, tree.far_unit.id], span=YEAR, as_of=TODAY
    )
    assert bars[tree.unit.name]["value"] == float(expected[tree.unit.id])
    assert bars[tree.far_unit.name]["value"] == float(expected[tree.far_unit.id])
