"""Facts of tasks and supervision (registered in core.facts at start-up).

A task counts for its owner org in the span its deadline falls in (cancelled ones are not
work); a supervision assignment for the org that answers it, in the span its deadline falls
in. States (done, overdue, answered) are read on the reference day: the span's last day, or
today while the span runs. 按时 = submitted for acceptance (a task) or first answered (an
assignment) by the deadline.
"""

from django.db.models import Count, F, Q

from mofan.core.facts import for_each, reference_day, register_fact, register_rate
from mofan.plans.models import Assignment, Task, TaskStatus


def _tasks_due_in(org_ids, span):
    return Task.objects.filter(
        owner_org_id__in=org_ids, deadline__gte=span.start, deadline__lt=span.end
    ).exclude(status=TaskStatus.CANCELLED)


def _done_by(day) -> Q:
    return Q(status=TaskStatus.DONE, finished_on__lte=day)


def _submitted_by(day) -> Q:
    return Q(submitted_on__isnull=False, submitted_on__lte=day)


def _task_counts(org_ids, span, as_of, condition=None) -> dict[int, int]:
    """Tasks due in the span per owner org, those meeting `condition(day)` only if given."""
    day = reference_day(span, as_of)
    counted = Count("id", filter=condition(day)) if condition else Count("id")
    rows = _tasks_due_in(org_ids, span).values("owner_org_id").annotate(n=counted).order_by()
    return for_each(org_ids, {row["owner_org_id"]: row["n"] for row in rows})


def _done_on_time(day) -> Q:
    return _done_by(day) & Q(submitted_on__lte=F("deadline"))


def _overdue(day) -> Q:
    # As the task pages say: past the deadline, neither done nor waiting for acceptance.
    return Q(deadline__lt=day) & ~_done_by(day) & ~_submitted_by(day)


def _settled(day) -> Q:
    """What an on-time rate is taken over: tasks whose deadline has come, and any done early."""
    return Q(deadline__lte=day) | _done_by(day)


@register_fact("plans.tasks.assigned", "下达的任务（完成时限在期内）", "项")
def tasks_assigned(*, org_ids, span, as_of=None):
    return _task_counts(org_ids, span, as_of)


@register_fact("plans.tasks.done", "已完成（已验收）的任务", "项")
def tasks_done(*, org_ids, span, as_of=None):
    return _task_counts(org_ids, span, as_of, _done_by)


@register_fact("plans.tasks.done_on_time", "按时完成的任务（时限内报请验收并已验收）", "项")
def tasks_done_on_time(*, org_ids, span, as_of=None):
    return _task_counts(org_ids, span, as_of, _done_on_time)


@register_fact("plans.tasks.overdue", "逾期未完成的任务", "项")
def tasks_overdue(*, org_ids, span, as_of=None):
    return _task_counts(org_ids, span, as_of, _overdue)


@register_rate(
    "plans.tasks.on_time_rate",
    "任务按时完成率",
    numerator="按时完成的任务",
    denominator="已到完成时限或已完成的任务",
)
def tasks_on_time_rate(*, org_ids, span, as_of=None):
    day = reference_day(span, as_of)
    rows = (
        _tasks_due_in(org_ids, span)
        .values("owner_org_id")
        .annotate(
            on_time=Count("id", filter=_done_on_time(day)),
            settled=Count("id", filter=_settled(day)),
        )
        .order_by()
    )
    found = {row["owner_org_id"]: (row["on_time"], row["settled"]) for row in rows}
    return for_each(org_ids, found, (0, 0))


def _assignments_due_in(org_ids, span):
    return Assignment.objects.filter(
        org_id__in=org_ids, deadline__gte=span.start, deadline__lt=span.end
    )


def _answered_by(day) -> Q:
    return Q(first_answered_on__isnull=False, first_answered_on__lte=day)


def _answered_on_time(day) -> Q:
    return _answered_by(day) & Q(first_answered_on__lte=F("deadline"))


def _answered_late(day) -> Q:
    return _answered_by(day) & Q(first_answered_on__gt=F("deadline"))


def _unanswered(day) -> Q:
    return ~_answered_by(day)


def _unanswered_overdue(day) -> Q:
    return ~_answered_by(day) & Q(deadline__lt=day)


def _assignment_counts(org_ids, span, as_of, condition=None) -> dict[int, int]:
    day = reference_day(span, as_of)
    counted = Count("id", filter=condition(day)) if condition else Count("id")
    rows = _assignments_due_in(org_ids, span).values("org_id").annotate(n=counted).order_by()
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


@register_fact("plans.supervision.assigned", "督办事项（反馈时限在期内）", "项")
def supervision_assigned(*, org_ids, span, as_of=None):
    return _assignment_counts(org_ids, span, as_of)


@register_fact("plans.supervision.answered_on_time", "按时反馈的督办事项", "项")
def supervision_answered_on_time(*, org_ids, span, as_of=None):
    return _assignment_counts(org_ids, span, as_of, _answered_on_time)


@register_fact("plans.supervision.answered_late", "超时反馈的督办事项", "项")
def supervision_answered_late(*, org_ids, span, as_of=None):
    return _assignment_counts(org_ids, span, as_of, _answered_late)


@register_fact("plans.supervision.unanswered", "尚未反馈的督办事项", "项")
def supervision_unanswered(*, org_ids, span, as_of=None):
    return _assignment_counts(org_ids, span, as_of, _unanswered)


@register_fact("plans.supervision.overdue", "超过时限仍未反馈的督办事项", "项")
def supervision_overdue(*, org_ids, span, as_of=None):
    return _assignment_counts(org_ids, span, as_of, _unanswered_overdue)


@register_rate(
    "plans.supervision.on_time_rate",
    "督办事项按时反馈率",
    numerator="按时反馈的督办事项",
    denominator="已到反馈时限或已反馈的督办事项",
)
def supervision_on_time_rate(*, org_ids, span, as_of=None):
    day = reference_day(span, as_of)
    rows = (
        _assignments_due_in(org_ids, span)
        .values("org_id")
        .annotate(
            on_time=Count("id", filter=_answered_on_time(day)),
            settled=Count("id", filter=Q(deadline__lte=day) | _answered_by(day)),
        )
        .order_by()
    )
    found = {row["org_id"]: (row["on_time"], row["settled"]) for row in rows}
    return for_each(org_ids, found, (0, 0))


def tasks_by_unit(unit_paths: dict[str, int], orgs_query, span, as_of=None) -> dict[int, dict]:
    """`plans.tasks.assigned`, `.done` and `.overdue` summed per unit sub-tree (`{unit path:
    unit id}`, paths of one length) in one query grouped by the owner's path prefix, instead
    of one IN list of every org per fact."""
    from django.db.models.functions import Substr

    day = reference_day(span, as_of)
    found = {unit_id: {"assigned": 0, "done": 0, "overdue": 0} for unit_id in unit_paths.values()}
    for length in {len(path) for path in unit_paths}:
        rows = (
            Task.objects.filter(
                owner_org__in=orgs_query, deadline__gte=span.start, deadline__lt=span.end
            )
            .exclude(status=TaskStatus.CANCELLED)
            .annotate(unit=Substr("owner_org__path", 1, length))
            .values("unit")
            .annotate(
                assigned=Count("id"),
                done=Count("id", filter=_done_by(day)),
                overdue=Count("id", filter=_overdue(day)),
            )
            .order_by()
        )
        for row in rows:
            if row["unit"] in unit_paths:
                found[unit_paths[row["unit"]]] = {
                    k: row[k] for k in ("assigned", "done", "overdue")
                }
    return found
