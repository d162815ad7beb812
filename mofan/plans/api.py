from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema, Status

from mofan.core.api import ERRORS, Page, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.core.lookup import get_or_404
from mofan.orgs.selectors import org_get
from mofan.plans import services, supervision
from mofan.plans.models import Assignment, Plan, TaskStatus
from mofan.plans.selectors import (
    assignment_of,
    instruction_get,
    instruction_list_with_assignments,
    plan_get,
    plan_list,
    task_filter,
    task_get,
    task_list,
)

PlanKind = named_enum("PlanKind", Plan.Kind)

router = Router(tags=["创建方案与督办"])


class PlanOut(Schema):
    id: int
    org_id: int
    year: int
    kind: str
    master_id: int | None
    title: str
    summary: str


class PlanIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    kind: PlanKind
    master_id: int | None = None
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = ""


class TaskOut(Schema):
    id: int
    plan_id: int | None
    item_id: int | None
    parent_id: int | None
    assigner_id: int
    owner_org_id: int
    title: str
    content: str
    target: str
    owner_people: str
    leader: str
    start_on: date
    deadline: date
    needs_evidence: bool
    weight: Decimal
    status: str
    overdue: bool
    progress: int
    finished_on: date | None


class TaskPage(Page):
    items: list[TaskOut]


class TaskIn(Schema):
    plan_id: int
    item_id: int | None = None
    parent_id: int | None = None
    owner_org_id: int
    title: str = Field(..., min_length=1, max_length=200)
    content: str = ""
    target: str = Field("", max_length=300)
    owner_people: str = Field("", max_length=100)
    leader: str = Field("", max_length=50)
    start_on: date
    deadline: date
    milestones: str = ""
    needs_evidence: bool = False
    weight: Decimal = Field(Decimal(1), gt=0, max_digits=6, decimal_places=2)


class TaskPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    content: str | None = None
    target: str | None = Field(None, max_length=300)
    owner_people: str | None = Field(None, max_length=100)
    leader: str | None = Field(None, max_length=50)
    start_on: date | None = None
    deadline: date | None = None
    milestones: str | None = None
    needs_evidence: bool | None = None
    weight: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=2)


class TaskFilters(Schema):
    owner: int | None = None
    status: str = ""
    plan: int | None = None
    due_after: date | None = None
    due_before: date | None = None
    page: int = 1
    page_size: int = 50


class ProgressIn(Schema):
    text: str = Field(..., max_length=2000)
    percent: int


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


class AssignmentOut(Schema):
    org_id: int
    deadline: date
    status: str
    first_answered_on: date | None
    closed_on: date | None
    reminders: int


class InstructionOut(Schema):
    id: int
    org_id: int
    source: str
    title: str
    content: str
    received_on: date
    level: str
    assignments: list[AssignmentOut]


class AssignmentIn(Schema):
    org_id: int
    deadline: date


class InstructionIn(Schema):
    org_id: int
    source: str
    level: str = "normal"
    title: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., min_length=1)
    received_on: date
    assignments: list[AssignmentIn]


class PlanPage(Page):
    items: list[PlanOut]


class PlanFilters(Schema):
    year: int | None = None
    page: int = 1
    page_size: int = 50


class InstructionPage(Page):
    items: list[InstructionOut]


class SupervisionFilters(Schema):
    since: date | None = None
    until: date | None = None
    page: int = 1
    page_size: int = 50


class FeedbackIn(Schema):
    org_id: int
    text: str = Field("", max_length=2000)
    on: date | None = None


def _org(request, org_id: int, field: str):
    try:
        return org_get(actor=request.user, org_id=org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field=field) from exc


def _task_out(tasks, today: date):
    for task in tasks:
        task.overdue = services.is_overdue(task, today)
    return tasks


@router.get("/plans", response={200: PlanPage, **ERRORS}, summary="方案（1+N）")
def list_plans(request, filters: Query[PlanFilters]):
    plans = plan_list(actor=request.user)
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    ordered = plans.order_by("-year", "kind", "sort_order", "id")
    items, page = paginate(ordered, filters.page, filters.page_size)
    return {**page, "items": items}


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="新建实施方案或分方案")
def create_plan(request, payload: PlanIn):
    org = _org(request, payload.org_id, "org_id")
    master = plan_get(actor=request.user, plan_id=payload.master_id) if payload.master_id else None
    plan = services.plan_create(
        actor=request.user,
        org=org,
        year=payload.year,
        kind=payload.kind,
        title=payload.title,
        master=master,
        summary=payload.summary,
    )
    return Status(201, plan)


@router.get(
    "/tasks",
    response={200: TaskPage, **ERRORS},
    summary="任务（筛选：责任单位子树、状态含 overdue、时限、方案）",
)
def list_tasks(request, filters: Query[TaskFilters]):
    allowed = {"", "open", "overdue", *TaskStatus.values}
    if filters.status not in allowed:
        raise ApplicationError(f"status 须为 {'、'.join(sorted(s for s in allowed if s))} 之一")
    owner = org_get(actor=request.user, org_id=filters.owner) if filters.owner else None
    plan = plan_get(actor=request.user, plan_id=filters.plan) if filters.plan else None
    today = timezone.localdate()
    tasks = task_filter(
        task_list(actor=request.user),
        owner=owner,
        status=filters.status,
        plan=plan,
        due_after=filters.due_after,
        due_before=filters.due_before,
        today=today,
    )
    items, page = paginate(tasks.order_by("deadline", "id"), filters.page, filters.page_size)
    return {**page, "items": _task_out(items, today)}


@router.post(
    "/tasks", response={201: TaskOut, **ERRORS}, summary="下达任务（给出 parent_id 即为分解）"
)
def create_task(request, payload: TaskIn):
    plan = plan_get(actor=request.user, plan_id=payload.plan_id)
    owner = _org(request, payload.owner_org_id, "owner_org_id")
    data = payload.dict(exclude={"plan_id", "item_id", "parent_id", "owner_org_id"})
    if payload.parent_id:
        parent = task_get(actor=request.user, task_id=payload.parent_id)
        task = services.task_split(actor=request.user, parent=parent, owner_org=owner, **data)
    else:
        item = plan.items.filter(pk=payload.item_id).first() if payload.item_id else None
        if payload.item_id and item is None:
            raise ApplicationError("方案事项不属于该方案", field="item_id")
        task = services.task_create(
            actor=request.user, plan=plan, item=item, owner_org=owner, **data
        )
    return Status(201, _task_out([task], timezone.localdate())[0])


@router.get(
    "/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="任务详情（进度为加权汇总）"
)
def get_task(request, task_id: int):
    task = task_get(actor=request.user, task_id=task_id)
    return _task_out([task], timezone.localdate())[0]


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="修改任务（交办组织）")
def update_task(request, task_id: int, payload: TaskPatch):
    task = task_get(actor=request.user, task_id=task_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _task_out(
        [services.task_update(actor=request.user, task=task, **data)], timezone.localdate()
    )[0]


@router.post(
    "/tasks/{task_id}/progress",
    response={200: TaskOut, **ERRORS},
    summary="报告进展（100% 即报请验收；佐证材料请在网页上传）",
)
def report_progress(request, task_id: int, payload: ProgressIn):
    task = task_get(actor=request.user, task_id=task_id)
    services.task_report(actor=request.user, task=task, text=payload.text, percent=payload.percent)
    return _task_out([task], timezone.localdate())[0]


@router.post("/tasks/{task_id}/accept", response={200: TaskOut, **ERRORS}, summary="验收通过")
def accept_task(request, task_id: int, payload: Body[ReasonIn | None] = None):
    task = task_get(actor=request.user, task_id=task_id)
    return _task_out(
        [
            services.task_accept(
                actor=request.user, task=task, text=payload.reason if payload else ""
            )
        ],
        timezone.localdate(),
    )[0]


@router.post(
    "/tasks/{task_id}/return", response={200: TaskOut, **ERRORS}, summary="退回（须说明原因）"
)
def return_task(request, task_id: int, payload: ReasonIn):
    task = task_get(actor=request.user, task_id=task_id)
    return _task_out(
        [services.task_return(actor=request.user, task=task, reason=payload.reason)],
        timezone.localdate(),
    )[0]


def _instructions(request):
    return instruction_list_with_assignments(actor=request.user)


@router.get("/supervision", response={200: InstructionPage, **ERRORS}, summary="督办事项")
def list_supervision(request, filters: Query[SupervisionFilters]):
    instructions = _instructions(request)
    if filters.since:
        instructions = instructions.filter(received_on__gte=filters.since)
    if filters.until:
        instructions = instructions.filter(received_on__lte=filters.until)
    ordered = instructions.order_by("-received_on", "-id")
    items, page = paginate(ordered, filters.page, filters.page_size)
    return {**page, "items": items}


@router.post("/supervision", response={201: InstructionOut, **ERRORS}, summary="登记督办事项并交办")
def create_supervision(request, payload: InstructionIn):
    org = _org(request, payload.org_id, "org_id")
    assignments = [
        (_org(request, a.org_id, "assignments"), a.deadline) for a in payload.assignments
    ]
    instruction = supervision.instruction_register(
        actor=request.user,
        org=org,
        source=payload.source,
        level=payload.level,
        title=payload.title,
        content=payload.content,
        received_on=payload.received_on,
        assignments=assignments,
    )
    return Status(201, instruction)


def _assignment(request, instruction_id: int, org_id: int) -> Assignment:
    instruction = instruction_get(actor=request.user, instruction_id=instruction_id)
    assignment = assignment_of(actor=request.user, instruction=instruction, org_id=org_id)
    if assignment is None:
        raise ApplicationError("该单位不是此事项的承办单位", field="org_id")
    return assignment


@router.post(
    "/supervision/{instruction_id}/feedback",
    response={200: InstructionOut, **ERRORS},
    summary="承办单位反馈",
)
def feedback(request, instruction_id: int, payload: FeedbackIn):
    assignment = _assignment(request, instruction_id, payload.org_id)
    supervision.assignment_answer(
        actor=request.user,
        assignment=assignment,
        text=payload.text,
        on=payload.on or timezone.localdate(),
    )
    return get_or_404(_instructions(request), instruction_id, "未找到该督办事项")


@router.post(
    "/supervision/{instruction_id}/close",
    response={200: InstructionOut, **ERRORS},
    summary="办结（须已反馈）",
)
def close(request, instruction_id: int, payload: FeedbackIn):
    assignment = _assignment(request, instruction_id, payload.org_id)
    supervision.assignment_close(
        actor=request.user,
        assignment=assignment,
        text=payload.text,
        on=payload.on or timezone.localdate(),
    )
    return get_or_404(_instructions(request), instruction_id, "未找到该督办事项")
