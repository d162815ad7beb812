"""Member, development and dues facts against hand-counted records, their roll-up, and the
same queries for a small and a bigger tree. Today is pinned to 2026-03-15; the records are
mostly of 2025.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.core.facts import fact, facts
from mofan.core.periods import Span
from mofan.members.development import candidate_stop
from mofan.members.dues import dues_approve, dues_record_payment
from mofan.members.lifecycle import member_set_status
from mofan.members.models import Category, PaymentMethod
from mofan.members.tests.test_development import advance, apply  # noqa: F401
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

TODAY = date(2026, 3, 15)
YEAR = Span.year(2025)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def answer(code, tree, span=YEAR, **kwargs):
    values = fact(code)(org_ids=[o.id for o in vars(tree).values()], span=span, **kwargs)
    return {name: values[org.id] for name, org in vars(tree).items() if values[org.id]}


def pay(member, month: date, paid_on: date, amount="81.00"):
    return dues_record_payment(
        actor=SYSTEM,
        member=member,
        month=month,
        paid=Decimal(amount),
        paid_on=paid_on,
        method=PaymentMethod.TRANSFER,
    )


@pytest.fixture
def roll(tree, make_member):
    """branch: m1 full (dues 81.00), m2 full and 流动 (15.00, reduced to 5.00 from July 2025),
    m3 probationary joined 1 July 2025 (40.00), m4 full and 失联 (nothing due), m5 died in March
    2025. other_branch: o1 probationary, joined 1 February 2026."""
    people = {
        "m1": make_member(tree.branch, dues_base=Decimal("5400")),
        "m2": make_member(tree.branch, dues_base=Decimal("3000")),
        "m3": make_member(
            tree.branch,
            category=Category.PROBATIONARY,
            joined_on=date(2025, 7, 1),
            dues_base=Decimal("4000"),
        ),
        "m4": make_member(tree.branch),
        "m5": make_member(tree.branch, dues_base=Decimal("5400")),
        "o1": make_member(
            tree.other_branch, category=Category.PROBATIONARY, joined_on=date(2026, 2, 1)
        ),
    }
    member_set_status(
        actor=SYSTEM, member=people["m2"], status="mobile", on=date(2025, 2, 1), reason=""
    )
    member_set_status(
        actor=SYSTEM, member=people["m4"], status="lost", on=date(2025, 2, 1), reason=""
    )
    return people


def test_it_counts_the_roll_by_category_and_status(tree, roll):
    died = roll["m5"]
    member_set_status(
        actor=SYSTEM, member=died, status="deceased", on=date(2025, 3, 1), reason="病故"
    )
    assert answer("members.total", tree) == {"branch": 4}
    assert answer("members.full", tree) == {"branch": 3}
    assert answer("members.probationary", tree) == {"branch": 1}
    assert answer("members.status.normal", tree) == {"branch": 2}
    assert answer("members.status.mobile", tree) == {"branch": 1}
    assert answer("members.status.lost", tree) == {"branch": 1}
    # read today, the member who joined in February 2026 is on the roll
    assert answer("members.total", tree, span=Span.year(2026)) == {"branch": 4, "other_branch": 1}


def test_it_counts_the_members_admitted_in_the_span(tree, roll):
    assert answer("members.admitted", tree) == {"branch": 1}
    assert answer("members.admitted", tree, span=Span.quarter(2026, 1)) == {"other_branch": 1}
    assert answer("members.admitted", tree, span=Span.quarter(2025, 1)) == {}


@pytest.fixture
def pipeline(apply, advance):  # noqa: F811
    """On 31 December 2025: c1 applied in June (steps 1–2); c7 applied 1 December, its step 3
    only on 1 January 2026; c2 an activist (steps 3–6 in 2024); c3 a 发展对象 (steps 7–11 in
    February 2025); c5 in stage IV (steps 12–13); c4 a probationary member (steps 15–20, its
    member record made at step 15 on 1 August 2024); c6 stopped in May 2025."""
    c1 = advance(apply(date(2025, 6, 1), name="甲"), 2)
    c7 = advance(apply(date(2025, 12, 1), name="庚"), 3)
    c2 = advance(apply(date(2024, 1, 10), name="乙"), 6)
    c3 = advance(apply(date(2024, 1, 10), name="丙"), 11)
    c5 = advance(apply(date(2023, 6, 1), name="戊"), 13)
    c4 = advance(apply(date(2023, 6, 1), name="丁"), 20)
    c6 = apply(date(2025, 1, 5), name="己")
    candidate_stop(actor=SYSTEM, candidate=c6, on=date(2025, 5, 1), reason="本人申请撤回")
    return c1, c2, c3, c4, c5, c6, c7


def test_it_counts_the_development_pipeline_by_stage_on_the_reference_day(tree, pipeline):
    assert answer("members.pipeline.applicant", tree) == {"branch": 2}  # c1, c7
    assert answer("members.pipeline.activist", tree) == {"branch": 1}
    assert answer("members.pipeline.prospect", tree) == {"branch": 1}
    assert answer("members.pipeline.admission", tree) == {"branch": 1}
    assert answer("members.pipeline.probation", tree) == {"branch": 1}
    spring = {"as_of": date(2025, 4, 1)}  # c6 not yet stopped, c1 and c7 not yet applied
    assert answer("members.pipeline.applicant", tree, **spring) == {"branch": 1}
    now = Span.year(2026)  # c7 has become an activist
    assert answer("members.pipeline.applicant", tree, span=now) == {"branch": 1}
    assert answer("members.pipeline.activist", tree, span=now) == {"branch": 2}


def test_the_candidate_admitted_at_step_15_is_on_the_roll(tree, pipeline):
    assert answer("members.probationary", tree) == {"branch": 1}
    assert answer("members.admitted", tree, span=Span.year(2024)) == {"branch": 1}


@pytest.fixture
def dues(tree, roll):
    """m1 pays December 2024 (the branch starts recording then), and January–October 2025:
    October late, on 5 November. m3 pays July and August. m5 pays January, then dies. m2
    pays nothing (reduced to 5.00 a month from July)."""
    m1, m2, m3, m5 = roll["m1"], roll["m2"], roll["m3"], roll["m5"]
    pay(m1, date(2024, 12, 1), date(2024, 12, 10))
    for month in range(1, 11):
        paid_on = date(2025, month, 10) if month < 10 else date(2025, 11, 5)
        pay(m1, date(2025, month, 1), paid_on)
    pay(m3, date(2025, 7, 1), date(2025, 7, 15), "40.00")
    pay(m3, date(2025, 8, 1), date(2025, 8, 15), "40.00")
    pay(m5, date(2025, 1, 1), date(2025, 1, 20))
    member_set_status(
        actor=SYSTEM, member=m5, status="deceased", on=date(2025, 3, 1), reason="病故"
    )
    dues_approve(
        actor=SYSTEM,
        member=m2,
        amount=Decimal("5.00"),
        valid_from=date(2025, 7, 1),
        reason="生活困难",
        approved_by="市发改委机关党委",
        approved_on=date(2025, 6, 20),
    )
    return roll


def test_it_counts_dues_due_paid_and_in_arrears_over_a_year(tree, dues):
    # paid: m1 10 × 81 + m3 2 × 40 + m5 81 = 971
    assert answer("members.dues.paid", tree) == {"branch": Decimal("971.00")}
    # due: 971 paid + m1 Nov–Dec 162 + m2 6 × 15 + 6 × 5 = 120 + m3 Sep–Dec 160
    assert answer("members.dues.due", tree) == {"branch": Decimal("1413.00")}
    # arrears: the months over (December still runs on the 31st): 81 + 115 + 120
    assert answer("members.dues.arrears", tree) == {"branch": Decimal("316.00")}
    assert answer("members.dues.members_in_arrears", tree) == {"branch": 3}
    assert answer("members.dues.owed_months", tree) == {"branch": 13 + 18}
    assert answer("members.dues.paid_on_time", tree) == {"branch": 12}
    assert answer("members.dues.on_time_rate", tree) == {"branch": Decimal("38.7")}


def test_it_counts_dues_up_to_the_reference_day(tree, dues):
    june = {"as_of": date(2025, 6, 15)}  # m3 not yet a member; June not yet in arrears
    assert answer("members.dues.paid", tree, **june) == {"branch": Decimal("567.00")}
    assert answer("members.dues.due", tree, **june) == {"branch": Decimal("657.00")}
    assert answer("members.dues.arrears", tree, **june) == {"branch": Decimal("75.00")}
    assert answer("members.dues.members_in_arrears", tree, **june) == {"branch": 1}


def test_a_branch_that_never_recorded_dues_owes_nothing_yet(tree, dues):
    now = Span.year(2026)
    values = fact("members.dues.due")(org_ids=[tree.other_branch.id], span=now)
    assert values == {tree.other_branch.id: 0}
    rate = fact("members.dues.on_time_rate")(org_ids=[tree.other_branch.id], span=now)
    assert rate == {tree.other_branch.id: None}


def test_it_rolls_members_and_dues_up_the_tree(tree, dues):
    unit = tree.unit.id
    now = Span.year(2026)  # m1–m4 of branch, o1 of other_branch
    assert rollup_under("members.total", root_ids=[unit], span=now) == {unit: 5}
    assert rollup_under("members.dues.paid", root_ids=[unit], span=YEAR) == {
        unit: Decimal("971.00")
    }
    assert rollup_under("members.dues.on_time_rate", root_ids=[unit], span=YEAR) == {
        unit: Decimal("38.7")
    }


MEMBER_FACTS = [f.code for f in facts() if f.module == "members"]


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_every_member_fact_costs_the_same_queries_for_a_bigger_tree(
    tree, dues, pipeline, make_member, django_assert_max_num_queries
):
    def call(code):
        return lambda: rollup_under(code, root_ids=[tree.committee.id], span=YEAR)

    small = {code: count_queries(call(code)) for code in MEMBER_FACTS}
    for n in range(8):
        branch = make_org(tree.far_unit, OrgType.BRANCH)
        for _ in range(3):
            member = make_member(branch, dues_base=Decimal("6000"))
            pay(member, date(2025, 1 + n, 1), date(2025, 1 + n, 1) + timedelta(days=40), "90.00")
    for code in MEMBER_FACTS:
        with django_assert_max_num_queries(small[code]):
            call(code)()
    assert max(small.values()) <= 8
    assert len(MEMBER_FACTS) == 30  # incl. 5 age bands and 6 education levels
