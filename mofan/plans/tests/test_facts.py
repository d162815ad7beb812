"""Task and supervision facts against hand-counted records, their roll-up, and the same
queries for a small and a bigger tree. Today is pinned to 2026-03-15; the records are of 2025.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.core.facts import fact, facts
from mofan.core.periods import Span
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import OrgType
from mofan.plans import services, supervision
from mofan.plans.models import Instruction, Plan
from mofan.site.tests.factories import make_org

TODAY = date(2026, 3, 15)
YEAR = Span.year(2025)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(tree):
    return services.plan_create(
        actor=SYSTEM, org=tree.committee, year=2025, kind=Plan.Kind.MASTER, title="2025年实施方案"
    )


@pytest.fixture
def task(plan):
    def _task(owner, deadline, *, submitted=None, accepted=None, returned=False, cancelled=False):
        made = services.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=owner,
            title=f"截至{deadline}的任务",
            start_on=date(2025, 1, 1),
            deadline=deadline,
        )
        if submitted:
            services.task_report(actor=SYSTEM, task=made, text="已完成", percent=100, on=submitted)
        if returned:
            services.task_return(actor=SYSTEM, task=made, reason="材料不全")
        if accepted:
            services.task_accept(actor=SYSTEM, task=made, on=accepted)
        if cancelled:
            services.task_cancel(actor=SYSTEM, task=made, reason="不再需要")
        return made

    return _task


@pytest.fixture
def tasks(tree, task):
    """branch: done on time (due 31 Mar), done late (due 30 Jun, submitted 10 Jul), never
    reported (due 30 Sep), waiting for acceptance (due 31 Oct), returned and not submitted again
    (due 30 Nov), submitted 10 Dec and accepted only on 5 Jan 2026 (due 20 Dec); not counted:
    one cancelled, one due in 2026. other_branch: done on time (due 31 May)."""
    task(tree.branch, date(2025, 3, 31), submitted=date(2025, 3, 20), accepted=date(2025, 3, 25))
    task(tree.branch, date(2025, 6, 30), submitted=date(2025, 7, 10), accepted=date(2025, 7, 12))
    task(tree.branch, date(2025, 9, 30))
    task(tree.branch, date(2025, 10, 31), submitted=date(2025, 10, 20))
    task(tree.branch, date(2025, 11, 30), submitted=date(2025, 11, 1), returned=True)
    task(tree.branch, date(2025, 12, 20), submitted=date(2025, 12, 10), accepted=date(2026, 1, 5))
    task(tree.branch, date(2025, 12, 31), cancelled=True)
    task(tree.branch, date(2026, 1, 31))
    task(
        tree.other_branch, date(2025, 5, 31), submitted=date(2025, 5, 30), accepted=date(2025, 6, 2)
    )
    return tree


def answer(code, tree, **kwargs):
    values = fact(code)(org_ids=[o.id for o in vars(tree).values()], span=YEAR, **kwargs)
    return {name: values[org.id] for name, org in vars(tree).items() if values[org.id]}


def test_it_counts_the_tasks_due_in_the_span(tasks):
    assert answer("plans.tasks.assigned", tasks) == {"branch": 6, "other_branch": 1}
    assert answer("plans.tasks.done", tasks) == {"branch": 2, "other_branch": 1}
    assert answer("plans.tasks.done_on_time", tasks) == {"branch": 1, "other_branch": 1}
    # never reported, and returned without a new submission; waiting for acceptance is not late
    assert answer("plans.tasks.overdue", tasks) == {"branch": 2}
    assert answer("plans.tasks.on_time_rate", tasks) == {
        "branch": Decimal("16.7"),  # 1 of 6
        "other_branch": Decimal("100.0"),
    }


def test_it_reads_the_states_on_another_day(tasks):
    later = date(2026, 1, 10)  # the task submitted on 10 Dec has been accepted since
    assert answer("plans.tasks.done", tasks, as_of=later)["branch"] == 3
    assert answer("plans.tasks.done_on_time", tasks, as_of=later)["branch"] == 2
    mid_year = date(2025, 7, 1)  # only the first two were due; the second is not yet in
    assert answer("plans.tasks.overdue", tasks, as_of=mid_year) == {"branch": 1}
    rate = fact("plans.tasks.on_time_rate").parts(
        org_ids=[tasks.branch.id], span=YEAR, as_of=mid_year
    )
    assert rate == {tasks.branch.id: (1, 2)}


def test_it_rolls_task_counts_and_rates_up_the_tree(tasks):
    unit = tasks.unit.id
    assert rollup_under("plans.tasks.assigned", root_ids=[unit], span=YEAR) == {unit: 7}
    assert rollup_under("plans.tasks.on_time_rate", root_ids=[unit], span=YEAR) == {
        unit: Decimal("28.6")  # 2 of 7
    }


@pytest.fixture
def assignments(tree):
    """First instruction (received 5 Jan, due 28 Feb): branch answers 20 Feb, other_branch 10
    Mar, far_branch never. Second (received 1 Jun): branch due 30 Jun answers 2 Jul; far_branch
    due 31 Dec answers 3 Jan 2026; unit due 15 Jan 2026 (not in 2025)."""

    def register(received, assigned):
        return supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source=Instruction.Source.SUPERIOR,
            title="督办事项",
            content="落实批示",
            received_on=received,
            level=Instruction.Level.NORMAL,
            assignments=assigned,
        )

    def answered(instruction, org, on):
        assignment = instruction.assignments.get(org=org)
        supervision.assignment_answer(actor=SYSTEM, assignment=assignment, text="已落实", on=on)

    first = register(
        date(2025, 1, 5),
        [(o, date(2025, 2, 28)) for o in (tree.branch, tree.other_branch, tree.far_branch)],
    )
    answered(first, tree.branch, date(2025, 2, 20))
    answered(first, tree.other_branch, date(2025, 3, 10))
    second = register(
        date(2025, 6, 1),
        [
            (tree.branch, date(2025, 6, 30)),
            (tree.far_branch, date(2025, 12, 31)),
            (tree.unit, date(2026, 1, 15)),
        ],
    )
    answered(second, tree.branch, date(2025, 7, 2))
    answered(second, tree.far_branch, date(2026, 1, 3))
    return tree


def test_it_counts_supervision_answered_on_time_late_and_not_at_all(assignments):
    tree = assignments
    assert answer("plans.supervision.assigned", tree) == {
        "branch": 2,
        "other_branch": 1,
        "far_branch": 2,
    }
    assert answer("plans.supervision.answered_on_time", tree) == {"branch": 1}
    assert answer("plans.supervision.answered_late", tree) == {"branch": 1, "other_branch": 1}
    assert answer("plans.supervision.unanswered", tree) == {"far_branch": 2}
    assert answer("plans.supervision.overdue", tree) == {"far_branch": 1}  # due 31 Dec: not yet
    rates = fact("plans.supervision.on_time_rate")(
        org_ids=[tree.branch.id, tree.other_branch.id, tree.unit.id], span=YEAR
    )
    assert rates == {tree.branch.id: Decimal("50.0"), tree.other_branch.id: 0, tree.unit.id: None}


def test_an_answer_after_the_reference_day_is_not_counted_yet(assignments):
    tree = assignments
    later = date(2026, 1, 10)
    assert answer("plans.supervision.answered_late", tree, as_of=later)["far_branch"] == 1
    assert answer("plans.supervision.unanswered", tree, as_of=later)["far_branch"] == 1


def test_it_rolls_supervision_up_the_tree(assignments):
    root = assignments.committee.id
    assert rollup_under("plans.supervision.assigned", root_ids=[root], span=YEAR) == {root: 5}
    assert rollup_under("plans.supervision.on_time_rate", root_ids=[root], span=YEAR) == {
        root: Decimal("20.0")  # 1 of 5
    }


PLAN_FACTS = [f.code for f in facts() if f.module == "plans"]


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_every_plans_fact_costs_the_same_queries_for_a_bigger_tree(
    tasks, assignments, task, django_assert_max_num_queries
):
    root = tasks.committee.id

    def call(code):
        return lambda: rollup_under(code, root_ids=[root], span=YEAR)

    small = {code: count_queries(call(code)) for code in PLAN_FACTS}
    branches = [make_org(tasks.far_unit, OrgType.BRANCH) for _ in range(15)]
    for n, branch in enumerate(branches):
        task(branch, date(2025, 1 + n % 12, 28), submitted=date(2025, 1 + n % 12, 20))
        task(branch, date(2025, 4, 30))
    supervision.instruction_register(
        actor=SYSTEM,
        org=tasks.committee,
        source=Instruction.Source.MEETING,
        title="会议决定事项",
        content="抓好落实",
        received_on=date(2025, 3, 1),
        level=Instruction.Level.URGENT,
        assignments=[(branch, date(2025, 3, 31)) for branch in branches],
    )
    for code in PLAN_FACTS:
        with django_assert_max_num_queries(small[code]):
            call(code)()
    assert max(small.values()) <= 4
    assert len(PLAN_FACTS) == 11
