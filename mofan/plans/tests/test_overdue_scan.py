"""The overdue scan (issue 8 §7): plain rows of the columns it shows, the same tasks as the
overdue filter, in deadline order, within the actor's scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.plans.selectors import overdue_task_rows, overdue_tasks, task_list


def test_it_lists_the_same_overdue_tasks_as_plain_rows(listed_overdue, users, today):
    tasks = task_list(actor=users.committee_admin)
    rows = overdue_task_rows(tasks, today)
    assert [r["title"] for r in rows] == ["最早逾期", "逾期的任务"]
    assert {r["id"] for r in rows} == set(overdue_tasks(tasks, today).values_list("id", flat=True))
    first = rows[0]
    assert first["deadline"] == today - timedelta(days=5)
    assert first["owner_org__name"] == "市民政局机关党总支"
    assert first["assigner__name"] == "市直机关工委"
    assert first["plan__title"] == f"{today.year}年创建模范机关实施方案"
    assert "item__title" in first  # the task may have no plan item


def test_it_reads_one_query_whatever_the_number_of_tasks(
    listed_overdue, assign, tree, users, today
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            overdue_task_rows(task_list(actor=users.committee_admin), today)
        return len(queries)

    before = count()
    for i in range(5):
        assign(tree.unit, f"又一项逾期{i}", deadline=today - timedelta(days=1))
    assert count() == before == 1
    assert len(overdue_task_rows(task_list(actor=users.committee_admin), today)) == 7


def test_an_outsider_scans_only_their_own_tasks(listed_overdue, users, today):
    assert overdue_task_rows(task_list(actor=users.outsider), today) == []
    unit_rows = overdue_task_rows(task_list(actor=users.unit_admin), today)
    assert [r["title"] for r in unit_rows] == ["逾期的任务"]


@pytest.fixture
def listed_overdue(assign, tree, today):
    day = timedelta(days=1)
    assign(tree.unit, "逾期的任务", start_on=today - 20 * day, deadline=today - day)
    assign(tree.far_unit, "最早逾期", start_on=today - 20 * day, deadline=today - 5 * day)
    assign(tree.unit, "未到期", deadline=today + 3 * day)
