"""周调度 (weekly scheduling) and 月计划 (the monthly plan, generated from the tasks)."""

from datetime import date

from django.db import transaction

from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.periods import Span
from mofan.orgs.models import Org
from mofan.plans.models import OPEN_STATUSES, Task, TaskStatus, WeeklyMeeting, WeeklyReview
from mofan.plans.services import is_overdue, require_admin


@transaction.atomic
def weekly_meeting_record(
    *,
    actor,
    org: Org,
    held_on: date,
    attendees: str,
    decisions: str,
    reviews: list[tuple[Task, str]],
) -> WeeklyMeeting:
    """Record a weekly meeting; each reviewed task is kept with its status at that moment."""
    require_admin(actor, org, "您没有为该组织记录周调度的权限")
    if not attendees.strip():
        raise ApplicationError("请填写参会人员", field="attendees")
    for task, _ in reviews:
        if not (
            task.owner_org.path.startswith(org.path) or task.assigner.path.startswith(org.path)
        ):
            raise ApplicationError(f"任务“{task.title}”不在本组织范围内", field="reviews")
    meeting = WeeklyMeeting.objects.create(
        org=org, held_on=held_on, attendees=attendees.strip(), decisions=decisions.strip()
    )
    WeeklyReview.objects.bulk_create(
        WeeklyReview(
            meeting=meeting,
            task=task,
            status=task.status,
            progress=task.progress,
            overdue=is_overdue(task, held_on),
            note=note.strip(),
        )
        for task, note in reviews
    )
    audit(actor=actor, action="weekly.record", target=meeting, detail=f"调度任务 {len(reviews)} 项")
    return meeting


def monthly_plan(tasks, org: Org, year: int, month: int):
    """月计划: the org's sub-tree tasks due this month, open ones running through it, and open
    ones overdue from earlier months (still this month's work); cancelled ones are not work."""
    span = Span.month(year, month)
    due = tasks.filter(owner_org__path__startswith=org.path).exclude(status=TaskStatus.CANCELLED)
    return (
        due.filter(deadline__gte=span.start, deadline__lt=span.end)
        | due.filter(status__in=OPEN_STATUSES, start_on__lt=span.end, deadline__gte=span.end)
        | due.filter(status__in=OPEN_STATUSES, deadline__lt=span.start)
    )
