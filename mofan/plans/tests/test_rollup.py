"""The weighted roll-up: a split task's progress is the weighted average of its sub-tasks (done
counts 100, cancelled ones are left out), an item's and a plan's that of their top-level tasks;
and a property: a roll-up never leaves the range of what it averages."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mofan.core.access import SYSTEM
from mofan.plans import services
from mofan.plans.models import Task, TaskStatus
from mofan.plans.selectors import plan_progress, rolled_progress, weighted


def node(id, parent=None, *, progress=0, weight=1, status=TaskStatus.IN_PROGRESS) -> Task:
    """An unsaved task: the roll-up is arithmetic on what the query returned."""
    return Task(
        id=id,
        parent_id=parent,
        progress=progress,
        weight=Decimal(weight),
        status=status,
    )


def report(task, percent, actor):
    return services.task_report(actor=actor, task=task, text="推进中", percent=percent)


# --- the arithmetic ---------------------------------------------------------------------------


def test_it_weights_sub_tasks_one_and_three_at_100_and_0_percent_as_25():
    tasks = [node(1), node(2, 1, progress=100, weight=1), node(3, 1, progress=0, weight=3)]
    assert rolled_progress(tasks)[1] == Decimal("25.0")


def test_it_rounds_to_one_decimal_place_half_up():
    assert weighted([(Decimal(100), Decimal(1)), (Decimal(0), Decimal(2))]) == Decimal("33.3")
    assert weighted([(Decimal(100), Decimal(2)), (Decimal(0), Decimal(1))]) == Decimal("66.7")
    assert weighted([(Decimal(1), Decimal(1)), (Decimal(0), Decimal(3))]) == Decimal("0.3")
    assert weighted([(Decimal(1), Decimal(1)), (Decimal(0), Decimal(7))]) == Decimal("0.1")


def test_it_counts_a_done_sub_task_as_100_whatever_its_last_report():
    tasks = [
        node(1),
        node(2, 1, progress=0, status=TaskStatus.DONE),
        node(3, 1, progress=0),
    ]
    assert rolled_progress(tasks)[1] == Decimal("50.0")


def test_it_leaves_cancelled_sub_tasks_out():
    tasks = [
        node(1),
        node(2, 1, progress=80),
        node(3, 1, progress=0, weight=9, status=TaskStatus.CANCELLED),
    ]
    assert rolled_progress(tasks)[1] == Decimal("80.0")


def test_it_uses_the_tasks_own_report_when_every_sub_task_is_cancelled():
    tasks = [node(1, progress=40), node(2, 1, progress=90, status=TaskStatus.CANCELLED)]
    assert rolled_progress(tasks)[1] == Decimal(40)


def test_it_rolls_up_two_levels_of_splitting():
    tasks = [
        node(1),
        node(2, 1, weight=1),  # split again
        node(3, 1, progress=100, weight=1, status=TaskStatus.SUBMITTED),
        node(4, 2, progress=50, weight=1),
        node(5, 2, progress=0, weight=3),
    ]
    progress = rolled_progress(tasks)
    assert progress[2] == Decimal("12.5")
    assert progress[1] == Decimal("56.3")  # (12.5 + 100) / 2, half up


def test_it_gives_zero_when_nothing_counts():
    assert weighted([]) == 0


# --- through the services, down the real tree ---------------------------------------------------


def test_it_rolls_up_a_plan_its_items_and_its_split_tasks(
    master, users, tree, assign, split, today
):
    politics = services.plan_item_add(actor=users.committee_admin, plan=master, title="政治建设")
    study = services.plan_item_add(actor=users.committee_admin, plan=master, title="理论武装")
    unit_task = assign(tree.unit, item=politics, weight=Decimal(1))
    far_task = assign(tree.far_unit, item=politics, weight=Decimal(1))
    study_task = assign(tree.unit, item=study, weight=Decimal(2))
    dropped = assign(tree.far_unit, item=study, weight=Decimal(5))
    services.task_cancel(actor=users.committee_admin, task=dropped, reason="并入其他任务")

    branch_task = split(unit_task, tree.branch, weight=Decimal(1))
    other_task = split(unit_task, tree.other_branch, weight=Decimal(3))
    group_task = split(branch_task, tree.group, weight=Decimal(1), actor=users.committee_admin)
    report(group_task, 100, users.secretary)
    services.task_accept(actor=users.unit_admin, task=Task.objects.get(pk=group_task.pk))
    report(other_task, 0, users.outsider)  # other_branch's secretary
    report(far_task, 50, SYSTEM)  # far_unit has no admin account in the fixtures
    report(study_task, 20, users.unit_admin)

    total, per_item, per_task, tasks = plan_progress(master)
    assert per_task[group_task.id] == 100
    assert per_task[branch_task.id] == 100  # its one sub-task is done
    assert per_task[unit_task.id] == Decimal("25.0")
    assert per_item[politics.id] == Decimal("37.5")  # (25 + 50) / 2
    assert per_item[study.id] == Decimal("20.0")  # the cancelled task is left out
    assert total == Decimal("28.8")  # (25 + 50 + 2 × 20) / 4 = 28.75
    assert len(tasks) == 7


def test_it_keeps_the_stored_progress_of_a_split_task_in_step_for_lists_and_exports(
    task, split, tree, users
):
    first = split(task, tree.branch, weight=Decimal(2))
    split(task, tree.other_branch, weight=Decimal(1))
    report(first, 50, users.secretary)
    stored = Task.objects.get(pk=task.pk)
    assert (stored.progress, stored.status) == (33, TaskStatus.IN_PROGRESS)  # 33.3, not 34


# --- the property ---------------------------------------------------------------------------------

child = st.tuples(
    st.integers(min_value=0, max_value=100),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    st.sampled_from([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE]),
)


@settings(max_examples=200, deadline=None)
@given(
    children=st.lists(child, min_size=1, max_size=8),
    grandchildren=st.lists(child, min_size=0, max_size=5),
    cancelled=st.lists(child, max_size=3),
)
def test_it_never_rolls_up_outside_the_range_of_the_children(children, grandchildren, cancelled):
    tasks = [node(1)]
    for i, (progress, weight, status) in enumerate(children, start=2):
        tasks.append(node(i, 1, progress=progress, weight=weight, status=status))
    # The first child is split again, unless it is done.
    for i, (progress, weight, status) in enumerate(grandchildren, start=100):
        tasks.append(node(i, 2, progress=progress, weight=weight, status=status))
    for i, (progress, weight, _) in enumerate(cancelled, start=200):
        tasks.append(node(i, 1, progress=progress, weight=weight, status=TaskStatus.CANCELLED))

    progress = rolled_progress(tasks)
    values = [progress[t.id] for t in tasks if t.parent_id == 1 and t.status != "cancelled"]
    assert min(values) <= progress[1] <= max(values)
    assert 0 <= progress[1] <= 100
    if len(set(values)) == 1:
        assert progress[1] == values[0]


@pytest.mark.parametrize("weight", [Decimal("0.01"), Decimal(1), Decimal("9999.99")])
def test_it_gives_the_same_value_whatever_the_common_weight(weight):
    tasks = [
        node(1),
        node(2, 1, progress=10, weight=weight),
        node(3, 1, progress=70, weight=weight),
    ]
    assert rolled_progress(tasks)[1] == Decimal("40.0")
