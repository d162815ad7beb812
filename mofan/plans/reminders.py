"""Daily reminders: tasks and supervision items due within 3 days or overdue, to the owner
unit's admins and secretaries (its own and those above it).

The nightly scan reads only the columns a reminder shows (`values_list`, no model instances:
thousands of overdue tasks with their orgs), and finds each org's recipients by looking up its
own and its ancestors' paths among the grants, not by comparing every path with every grant."""

from datetime import date, timedelta

from mofan.accounts.models import Grant
from mofan.core.access import RECORDER_ROLES
from mofan.notifications.reminders import Reminder
from mofan.orgs.models import Org
from mofan.plans.models import Assignment, Task, TaskStatus

DUE_SOON_DAYS = 3


def _holders_by_path(paths: set[str]) -> dict[str, set[int]]:
    """Active recorders whose grant covers each path: on the org itself or above it."""
    by_grant_path: dict[str, set[int]] = {}
    grants = Grant.objects.filter(role__in=RECORDER_ROLES, user__is_active=True)
    for user_id, grant_path in grants.values_list("user_id", "org__path"):
        by_grant_path.setdefault(grant_path, set()).add(user_id)
    return {
        path: {
            user_id
            for end in range(Org.steplen, len(path) + 1, Org.steplen)
            for user_id in by_grant_path.get(path[:end], ())
        }
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
        ).values_list("id", "title", "deadline", "owner_org__path", "owner_org__name")
    )
    holders = _holders_by_path({path for *_, path, _ in tasks})
    for task_id, title, deadline, path, owner_name in tasks:
        kind, text = _when(deadline, today)
        for user_id in holders[path]:
            yield Reminder(
                user_id,
                f"task-{task_id}-{kind}",
                f"任务“{title}”{text}",
                f"责任单位：{owner_name}",
                f"/plans/tasks/{task_id}/",
            )


def due_supervision(today: date):
    soon = today + timedelta(days=DUE_SOON_DAYS)
    assignments = list(
        Assignment.objects.filter(status=Assignment.Status.PENDING, deadline__lte=soon).values_list(
            "id", "deadline", "org__path", "org__name", "instruction_id", "instruction__title"
        )
    )
    holders = _holders_by_path({path for _, _, path, *_ in assignments})
    for assignment_id, deadline, path, org_name, instruction_id, title in assignments:
        kind, text = _when(deadline, today)
        for user_id in holders[path]:
            yield Reminder(
                user_id,
                f"supervision-{assignment_id}-{kind}",
                f"督办事项“{title}”反馈{text}",
                f"承办单位：{org_name}",
                f"/plans/supervision/{instruction_id}/",
            )
