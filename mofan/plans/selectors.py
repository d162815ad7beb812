"""Reads of plans and tasks, limited to the acting user's sub-tree, and the weighted roll-up."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from mofan.core.access import scope_of
from mofan.core.lookup import get_or_404
from mofan.plans.models import (
    OPEN_STATUSES,
    Assignment,
    Evidence,
    FeedbackFile,
    Instruction,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    WeeklyMeeting,
)

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def plan_list(*, actor) -> QuerySet[Plan]:
    scope = scope_of(actor)
    # A plan is visible to its org's sub-tree and to every unit that holds a task of it; the
    # sub-plans of a master plan (the "N" of its 1+N set) to every unit that sees the master.
    tasked = Task.objects.filter(scope.visible_q("owner_org__path")).values("plan_id")
    return Plan.objects.filter(
        scope.visible_q("org__path") | Q(pk__in=tasked) | Q(master_id__in=tasked)
    ).select_related("org")


def plan_get(*, actor, plan_id) -> Plan:
    return get_or_404(plan_list(actor=actor), plan_id, "未找到该方案")


def task_list(*, actor) -> QuerySet[Task]:
    """Tasks the actor's units own or assigned."""
    scope = scope_of(actor)
    return Task.objects.filter(
        scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")
    ).select_related("owner_org", "assigner", "plan", "item")


def task_get(*, actor, task_id) -> Task:
    return get_or_404(task_list(actor=actor), task_id, "未找到该任务")


def task_descendants(task: Task) -> list[Task]:
    """Every task below `task` (one query per level of splitting, which is two or three)."""
    found, frontier = [], [task.id]
    while frontier:
        level = list(Task.objects.filter(parent_id__in=frontier))
        found += level
        frontier = [t.id for t in level]
    return found


def evidence_get(*, actor, evidence_id) -> Evidence:
    """An evidence file of a task the actor sees."""
    files = Evidence.objects.filter(event__task__in=task_list(actor=actor))
    return get_or_404(files.select_related("event__task"), evidence_id, "未找到该文件")


def returned_q() -> Q:
    """Returned by the assigner (退回) and not yet submitted again."""
    returned = TaskEvent.objects.filter(task=OuterRef("pk"), kind=TaskEvent.Kind.RETURNED)
    return Q(status=TaskStatus.IN_PROGRESS) & Q(Exists(returned))


def task_filter(
    tasks,
    *,
    owner=None,
    status: str = "",
    plan=None,
    due_after: date | None = None,
    due_before: date | None = None,
    today: date | None = None,
    text: str = "",
):
    if owner is not None:
        tasks = tasks.filter(owner_org__path__startswith=owner.path)
    if status == "returned":
        tasks = tasks.filter(returned_q())
    elif status == "overdue":
        tasks = tasks.filter(
            status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS], deadline__lt=today
        )
    elif status == "open":
        tasks = tasks.filter(status__in=OPEN_STATUSES)
    elif status:
        tasks = tasks.filter(status=status)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    if due_after:
        tasks = tasks.filter(deadline__gte=due_after)
    if due_before:
        tasks = tasks.filter(deadline__lte=due_before)
    if text:
        tasks = tasks.filter(
            Q(title__contains=text) | Q(owner_people__contains=text) | Q(leader__contains=text)
        )
    return tasks


def overdue_tasks(tasks: QuerySet[Task], today: date) -> QuerySet[Task]:
    return task_filter(tasks, status="overdue", today=today)


OVERDUE_SCAN_FIELDS = (
    "id",
    "title",
    "deadline",
    "status",
    "progress",
    "owner_org__name",
    "assigner__name",
    "plan__title",
    "item__title",
)


def overdue_task_rows(tasks: QuerySet[Task], today: date) -> list[dict]:
    """The overdue tasks as plain rows of the few columns a scan shows (no model instances:
    a whole-tree scan meets thousands), in deadline order."""
    return list(overdue_tasks(tasks, today).order_by("deadline", "id").values(*OVERDUE_SCAN_FIELDS))


def weighted(pairs: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Weighted average of (value, weight) pairs, to one decimal place."""
    total = sum((w for _, w in pairs), Decimal(0))
    if not total:
        return Decimal(0)
    value = (sum((v * w for v, w in pairs), Decimal(0)) / total).quantize(
        ONE_DECIMAL, ROUND_HALF_UP
    )
    return percent_value(value)


def percent_value(value: Decimal) -> Decimal:
    """A progress in the one format every page shows: a whole number as such ("60%", like a
    reported progress), else one decimal place ("62.5%"), never "60.0%"."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def rolled_progress(tasks: list[Task]) -> dict[int, Decimal]:
    """Each task's progress: its own report, or the weighted average of its sub-tasks (done
    counts 100, cancelled ones are left out). All tasks of the tree must be in the list."""
    children: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.parent_id is not None:
            children[task.parent_id].append(task)
    result: dict[int, Decimal] = {}

    def progress(task: Task) -> Decimal:
        if task.id in result:
            return result[task.id]
        subs = [c for c in children.get(task.id, []) if c.status != TaskStatus.CANCELLED]
        if task.status == TaskStatus.DONE:
            value = HUNDRED
        elif subs:
            value = weighted([(progress(c), c.weight) for c in subs])
        else:
            value = Decimal(task.progress)
        result[task.id] = percent_value(value)
        return value

    for task in tasks:
        progress(task)
    return result


def plan_progress(plan: Plan) -> tuple[Decimal, dict[int, Decimal], dict[int, Decimal], list[Task]]:
    """(plan progress, progress per item id, per task id, the tasks) from one query."""
    tasks = list(Task.objects.filter(plan=plan).select_related("owner_org"))
    per_task = rolled_progress(tasks)
    top = [t for t in tasks if t.parent_id is None and t.status != TaskStatus.CANCELLED]
    by_item: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for task in top:
        by_item[task.item_id].append((per_task[task.id], task.weight))
    per_item = {item_id: weighted(pairs) for item_id, pairs in by_item.items()}
    return weighted([(per_task[t.id], t.weight) for t in top]), per_item, per_task, tasks


def instruction_list(*, actor) -> QuerySet[Instruction]:
    scope = scope_of(actor)
    return Instruction.objects.filter(
        scope.visible_q("org__path")
        | Q(pk__in=Assignment.objects.filter(scope.visible_q("org__path")).values("instruction_id"))
    ).select_related("org")


def instruction_get(*, actor, instruction_id) -> Instruction:
    return get_or_404(instruction_list(actor=actor), instruction_id, "未找到该督办事项")


def assignment_list(*, actor) -> QuerySet[Assignment]:
    """Assignments the actor's units hold, and those of the instructions their orgs registered
    (a unit sees its own, not how the other units of a shared instruction are doing)."""
    scope = scope_of(actor)
    return Assignment.objects.filter(
        scope.visible_q("org__path") | scope.visible_q("instruction__org__path")
    )


def assignment_get(*, actor, assignment_id) -> Assignment:
    assignments = assignment_list(actor=actor).select_related("instruction__org", "org")
    return get_or_404(assignments, assignment_id, "未找到该承办事项")


def assignment_of(*, actor, instruction: Instruction, org_id) -> Assignment | None:
    """The assignment of `instruction` to the org `org_id`, if the actor sees it."""
    assignments = assignment_list(actor=actor).select_related("instruction__org", "org")
    return assignments.filter(instruction=instruction, org_id=org_id).first()


def instruction_list_with_assignments(*, actor) -> QuerySet[Instruction]:
    """Visible instructions, each with only the assignments the actor may see."""
    return instruction_list(actor=actor).prefetch_related(
        Prefetch("assignments", queryset=assignment_list(actor=actor).select_related("org"))
    )


def weekly_meeting_list(*, actor) -> QuerySet[WeeklyMeeting]:
    return WeeklyMeeting.objects.filter(scope_of(actor).visible_q("org__path")).select_related(
        "org"
    )


def weekly_meeting_get(*, actor, meeting_id) -> WeeklyMeeting:
    return get_or_404(weekly_meeting_list(actor=actor), meeting_id, "未找到该周调度")


def master_plans(*, orgs) -> QuerySet[Plan]:
    """Implementation plans (实施方案) of the given orgs, to hang sub-plans under."""
    return Plan.objects.filter(org__in=orgs, kind=Plan.Kind.MASTER)


def feedback_file_get(*, actor, file_id) -> FeedbackFile:
    """A file of an answer to an assignment the actor sees."""
    files = FeedbackFile.objects.filter(feedback__assignment__in=assignment_list(actor=actor))
    return get_or_404(files, file_id, "未找到该文件")
