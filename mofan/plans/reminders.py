"""Daily reminders: tasks and supervision items due within 3 days or overdue, to the owner
unit's admins and secretaries (its own and those above it)."""

from datetime import date, timedelta

from mofan.accounts.models import Grant
from mofan.core.access import RECORDER_ROLES
from mofan.notifications.reminders import Reminder
from mofan.plans.models import Assignment, Task, TaskStatus

DUE_SOON_DAYS = 3


def _holders_by_path(paths: set[str]) -> dict[str, set[int]]:
    grants = list(
        Grant.objects.filter(role__in=RECORDER_ROLES, user__is_active=True).values_list(
            "user_id", "org__path"
        )
    )
    return {
        path: {user_id for user_id, grant_path in grants if path.startswith(grant_path)}
        for path in paths
    }


def _when(deadline: date, today: date) -> tuple[str, str]:
    if deadline < today:
        return "overdue", f"已逾期 {(today - deadline).days} 天"
    return "soon", f"将于 {deadline:%Y-%m-%d} 到期"


def due_tasks(today: date):
    soon = today + timedelta(days=DUE_SOON_DAYS)
    tasks = list(
        Task.objects.filter(
            status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS], deadline__lte=soon
        ).select_related("owner_org")
    )
    holders = _holders_by_path({t.owner_org.path for t in tasks})
    for task in tasks:
        kind, text = _when(task.deadline, today)
        for user_id in holders.get(task.owner_org.path, ()):
            yield Reminder(
                user_id,
                f"task-{task.id}-{kind}",
                f"任务“{task.title}”{text}",
                f"责任单位：{task.owner_org.name}",
                f"/plans/tasks/{task.id}/",
            )


def due_supervision(today: date):
    soon = today + timedelta(days=DUE_SOON_DAYS)
    assignments = list(
        Assignment.objects.filter(
            status=Assignment.Status.PENDING, deadline__lte=soon
        ).select_related("org", "instruction")
    )
    holders = _holders_by_path({a.org.path for a in assignments})
    for a in assignments:
        kind, text = _when(a.deadline, today)
        for user_id in holders.get(a.org.path, ()):
            yield Reminder(
                user_id,
                f"supervision-{a.id}-{kind}",
                f"督办事项“{a.instruction.title}”反馈{text}",
                f"承办单位：{a.org.name}",
                f"/plans/supervision/{a.instruction_id}/",
            )
