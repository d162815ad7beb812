"""A task keeps the day it was submitted for acceptance (submitted_on; cleared when returned)
and the day it was accepted (finished_on), so that "done on time" can be counted."""

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.plans import services
from mofan.plans.models import Task, TaskStatus

TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def refreshed(task) -> Task:
    return Task.objects.get(pk=task.pk)


def submit(task, **kwargs):
    return services.task_report(actor=SYSTEM, task=task, text="已完成", percent=100, **kwargs)


def test_submitting_records_the_day_and_progress_alone_does_not(task):
    services.task_report(actor=SYSTEM, task=task, text="推进中", percent=50)
    assert refreshed(task).submitted_on is None
    submit(task)
    assert refreshed(task).submitted_on == TODAY


def test_a_submission_recorded_afterwards_keeps_its_own_day(task):
    submit(task, on=date(2026, 3, 2))
    assert refreshed(task).submitted_on == date(2026, 3, 2)


def test_a_submission_cannot_be_dated_after_today(task):
    with pytest.raises(ApplicationError, match="报告日期不能晚于今天"):
        submit(task, on=TODAY + timedelta(days=1))
    assert refreshed(task).status == TaskStatus.NOT_STARTED


def test_returning_clears_the_submission_and_the_next_one_counts(task):
    submit(task, on=date(2026, 3, 1))
    services.task_return(actor=SYSTEM, task=refreshed(task), reason="材料不全")
    assert refreshed(task).submitted_on is None
    submit(refreshed(task), on=date(2026, 3, 10))
    services.task_accept(actor=SYSTEM, task=refreshed(task), on=date(2026, 3, 12))
    done = refreshed(task)
    assert (done.status, done.submitted_on, done.finished_on) == (
        TaskStatus.DONE,
        date(2026, 3, 10),
        date(2026, 3, 12),
    )


def test_a_split_task_is_submitted_on_the_day_its_last_sub_task_is_accepted(
    task, split, tree, users
):
    first, second = split(task, tree.branch), split(task, tree.other_branch)
    for sub, day in ((first, date(2026, 3, 3)), (second, date(2026, 3, 9))):
        submit(sub, on=day - timedelta(days=1))
        services.task_accept(actor=users.unit_admin, task=refreshed(sub), on=day)
    parent = refreshed(task)
    assert (parent.status, parent.submitted_on) == (TaskStatus.SUBMITTED, date(2026, 3, 9))


def test_a_split_task_completed_by_a_cancellation_is_submitted_today(task, split, tree, users):
    first, second = split(task, tree.branch), split(task, tree.other_branch)
    submit(first, on=date(2026, 3, 2))
    services.task_accept(actor=users.unit_admin, task=refreshed(first), on=date(2026, 3, 3))
    services.task_cancel(actor=users.unit_admin, task=refreshed(second), reason="合并办理")
    assert refreshed(task).submitted_on == TODAY


def test_the_migration_takes_the_day_of_the_last_submission_or_of_acceptance(task, assign, tree):
    submit(task)
    accepted = assign(tree.other_branch, "已验收的任务")
    submit(accepted)
    services.task_accept(actor=SYSTEM, task=refreshed(accepted), on=date(2026, 3, 14))
    open_task = assign(tree.far_unit, "未报的任务")
    Task.objects.update(submitted_on=None)
    accepted.events.filter(kind="submitted").delete()  # an old task without the event
    migration = importlib.import_module("mofan.plans.migrations.0003_task_submitted_on")
    migration.submitted_from_events(apps, None)
    assert refreshed(task).submitted_on == TODAY
    assert refreshed(accepted).submitted_on == date(2026, 3, 14)
    assert refreshed(open_task).submitted_on is None
