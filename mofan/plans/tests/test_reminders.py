"""The daily reminders of plans: tasks and supervision items due within 3 days or overdue, to the
owner unit's admins and secretaries (its own and those above it); none for finished tasks or
answered items; `mofan remind --dry-run` lists them and writing twice adds nothing."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mofan.core.access import SYSTEM, Role
from mofan.notifications.models import Notification
from mofan.plans import services, supervision
from mofan.plans.models import Plan
from mofan.plans.reminders import due_supervision, due_tasks
from mofan.site.tests.factories import make_user

TODAY = timezone.localdate()


def days(n: int):
    return TODAY + timedelta(days=n)


def remind(*args, on=TODAY) -> list[str]:
    """The plan reminders `mofan remind` prints (other modules' reminders left out)."""
    out = io.StringIO()
    call_command("remind", *args, "--date", on.isoformat(), stdout=out)
    return [line for line in out.getvalue().splitlines() if "\t/plans/" in line]


def written(user) -> set[str]:
    return set(
        user.notifications.filter(link__startswith="/plans/").values_list("title", flat=True)
    )


@pytest.fixture
def make_task(tree):
    plan = services.plan_create(
        actor=SYSTEM, org=tree.committee, year=TODAY.year, kind=Plan.Kind.MASTER, title="创建方案"
    )

    def _make_task(owner, title, deadline):
        return services.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=owner,
            title=title,
            start_on=min(deadline, TODAY) - timedelta(days=30),
            deadline=deadline,
        )

    return _make_task


@pytest.fixture
def tasks(tree, make_task):
    due_soon = make_task(tree.branch, "三天内到期", days(3))
    overdue = make_task(tree.branch, "已逾期", days(-2))
    services.task_report(actor=SYSTEM, task=overdue, text="推进中", percent=50)
    make_task(tree.branch, "四天后到期", days(4))
    done = make_task(tree.branch, "已完成", days(-1))
    services.task_report(actor=SYSTEM, task=done, text="完成", percent=100)
    services.task_accept(actor=SYSTEM, task=done)
    submitted = make_task(tree.branch, "待验收", days(1))
    services.task_report(actor=SYSTEM, task=submitted, text="完成", percent=100)
    cancelled = make_task(tree.branch, "已取消", days(1))
    services.task_cancel(actor=SYSTEM, task=cancelled, reason="不再需要")
    far = make_task(tree.far_branch, "民政局任务", days(2))
    return due_soon, overdue, far


def test_it_lists_tasks_due_within_3_days_and_overdue(tasks, users):
    due_soon, overdue, far = tasks
    soon_line = f"“三天内到期”将于 {days(3):%Y-%m-%d} 到期\t/plans/tasks/{due_soon.id}/"
    late_line = f"“已逾期”已逾期 2 天\t/plans/tasks/{overdue.id}/"
    far_line = f"“民政局任务”将于 {days(2):%Y-%m-%d} 到期\t/plans/tasks/{far.id}/"
    assert sorted(remind("--dry-run")) == sorted(
        f"{user}\t任务{line}"
        for user, line in [
            ("secretary", soon_line),
            ("secretary", late_line),
            ("unitadmin", soon_line),
            ("unitadmin", late_line),
            ("gwadmin", soon_line),
            ("gwadmin", late_line),
            ("gwadmin", far_line),
        ]
    )
    assert not Notification.objects.exists()  # a dry run writes nothing


def test_nobody_else_is_reminded(tasks, users):
    names = {line.split("\t")[0] for line in remind("--dry-run")}
    assert names == {"secretary", "unitadmin", "gwadmin"}  # not the leader, member or outsider


def test_reminders_go_to_the_owner_and_those_above_it(tasks, users):
    lines = [line for line in remind("--dry-run") if "民政局任务" in line]
    assert [line.split("\t")[0] for line in lines] == ["gwadmin"]


def test_grants_below_the_owner_or_of_inactive_users_are_not_reminded(tasks, tree, users):
    make_user(Role.SECRETARY, tree.group, "groupsecretary")  # below the owner branch
    make_user(Role.UNIT_ADMIN, tree.unit, "gone", is_active=False)
    names = {line.split("\t")[0] for line in remind("--dry-run")}
    assert names == {"secretary", "unitadmin", "gwadmin"}


@pytest.mark.parametrize("producer", [due_tasks, due_supervision])
def test_the_scan_costs_the_same_queries_for_few_and_many_items(
    producer, tree, users, make_task, django_assert_num_queries
):
    def scan() -> int:
        with django_assert_num_queries(2):  # the items with their orgs, the grants
            return len(list(producer(TODAY)))

    for n in range(3):
        make_task(tree.branch, f"逾期{n}", days(-1 - n))
        supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source="superior",
            level="normal",
            title=f"督办{n}",
            content="请落实",
            received_on=days(-9),
            assignments=[(tree.branch, days(-1)), (tree.far_unit, days(1))],
        )
        scan()
    assert scan() == (9 if producer is due_tasks else 12)


def test_writing_twice_does_not_duplicate(tasks, users):
    out = io.StringIO()
    call_command("remind", "--date", TODAY.isoformat(), stdout=out)
    assert written(users.secretary) == {
        f"任务“三天内到期”将于 {days(3):%Y-%m-%d} 到期",
        "任务“已逾期”已逾期 2 天",
    }
    count = Notification.objects.count()
    call_command("remind", "--date", TODAY.isoformat(), stdout=io.StringIO())
    assert Notification.objects.count() == count
    assert remind("--dry-run") == []


def test_a_task_falling_overdue_is_reminded_once_more(tasks, users):
    call_command("remind", "--date", TODAY.isoformat(), stdout=io.StringIO())
    lines = remind("--dry-run", on=days(4))
    assert f"secretary\t任务“三天内到期”已逾期 1 天\t/plans/tasks/{tasks[0].id}/" in lines
    assert not any("“已逾期”" in line for line in lines)  # its overdue reminder went already


@pytest.fixture
def items(tree):
    def register(title, received, units):
        return supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source="superior",
            level="normal",
            title=title,
            content="请落实",
            received_on=received,
            assignments=units,
        )

    soon = register("三天内反馈", days(-5), [(tree.unit, days(3)), (tree.far_unit, days(9))])
    late = register("逾期未反馈", days(-20), [(tree.branch, days(-1))])
    answered = register("已反馈", days(-20), [(tree.unit, days(-1)), (tree.branch, days(2))])
    for assignment in answered.assignments.all():
        supervision.assignment_answer(actor=SYSTEM, assignment=assignment, text="已办", on=TODAY)
    closed = register("已办结", days(-20), [(tree.unit, days(-3))])
    assignment = closed.assignments.get()
    supervision.assignment_answer(actor=SYSTEM, assignment=assignment, text="已办", on=days(-4))
    supervision.assignment_close(actor=SYSTEM, assignment=assignment, text="办结", on=days(-2))
    return soon, late


def test_it_lists_supervision_items_due_within_3_days_and_overdue(items, users):
    soon, late = items
    lines = remind("--dry-run")
    soon_line = (
        f"督办事项“三天内反馈”反馈将于 {days(3):%Y-%m-%d} 到期\t/plans/supervision/{soon.id}/"
    )
    late_line = f"督办事项“逾期未反馈”反馈已逾期 1 天\t/plans/supervision/{late.id}/"
    assert sorted(lines) == sorted(
        [
            f"gwadmin\t{soon_line}",
            f"gwadmin\t{late_line}",
            f"secretary\t{late_line}",
            f"unitadmin\t{soon_line}",
            f"unitadmin\t{late_line}",
        ]
    )


def test_supervision_reminders_are_written_once(items, users):
    call_command("remind", "--date", TODAY.isoformat(), stdout=io.StringIO())
    call_command("remind", "--date", TODAY.isoformat(), stdout=io.StringIO())
    assert written(users.secretary) == {"督办事项“逾期未反馈”反馈已逾期 1 天"}
    assert users.unit_admin.notifications.filter(link__startswith="/plans/").count() == 2
    assert remind("--dry-run") == []


def test_an_answer_stops_the_reminders(items, tree, users):
    _, late = items
    supervision.assignment_answer(
        actor=users.secretary, assignment=late.assignments.get(), text="已办理", on=TODAY
    )
    assert not any("逾期未反馈" in line for line in remind("--dry-run"))
