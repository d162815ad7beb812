"""Writes to plans, tasks and their progress. Each checks scope and leaves an audit record.

A task is assigned by an org (the plan's org, or the owner of the parent task when a unit
splits its task) to an owner org inside the assigner's sub-tree. The owner reports progress;
the assigner accepts or returns. 逾期 is never stored: it is derived from the deadline.
"""

from datetime import date
from decimal import ROUND_DOWN

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.core.access import RECORDER_ROLES, is_system, scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import locked
from mofan.core.uploads import DOCUMENTS, check_upload
from mofan.orgs.models import Org, OrgType
from mofan.plans import events
from mofan.plans.models import OPEN_STATUSES, Evidence, Plan, PlanItem, Task, TaskEvent, TaskStatus
from mofan.plans.selectors import rolled_progress

TASK_FIELDS = [
    "title",
    "content",
    "target",
    "owner_people",
    "leader",
    "start_on",
    "deadline",
    "milestones",
    "needs_evidence",
    "weight",
]


def require_admin(actor, org: Org, message: str = "您没有管理该组织任务的权限") -> None:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied(message)


def is_reporter(actor, org: Org, above: Org) -> bool:
    """The owner side answers for itself: an admin or secretary whose grant covers `org` but
    lies below `above` (the assigning or supervising org), so nobody answers their own
    instruction."""
    if actor is None or is_system(actor):
        return True
    # A party group has no accounts of its own: its branch's secretary answers for it.
    own_level = len(above.path) - (1 if org.org_type == OrgType.PARTY_GROUP else 0)
    return any(
        g.role in RECORDER_ROLES
        and org.path.startswith(g.path)
        and (len(g.path) > own_level or org.pk == above.pk)
        for g in scope_of(actor).grants
    )


def require_reporter(actor, org: Org, above: Org) -> None:
    if not is_reporter(actor, org, above):
        raise PermissionDenied("只有责任单位的管理员或书记可以报告，交办方不能代为报告")


def _event(task: Task, kind: str, actor, text: str = "", percent: int | None = None) -> TaskEvent:
    by = actor if getattr(actor, "pk", None) else None
    return TaskEvent.objects.create(task=task, kind=kind, by=by, text=text, percent=percent)


def _roll_up(task: Task, actor) -> None:
    """Keep the task a unit split in step with its sub-tasks, then its own parent likewise.

    Its stored progress is their weighted roll-up (so lists, exports and the API show it); it is
    进行中 once work on it starts, and 待验收 for its assigner when every sub-task not cancelled
    is done. Nobody reports on a split task, so without this it would stay 未开始 and go 逾期.
    """
    if task.parent_id is None:
        return
    parent = Task.objects.select_for_update().get(pk=task.parent_id)
    if parent.status not in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS):
        return
    subtree, frontier = [parent], [parent.id]
    while frontier:
        level = list(Task.objects.filter(parent_id__in=frontier))
        subtree += level
        frontier = [t.id for t in level]
    subs = [t for t in subtree if t.parent_id == parent.id and t.status != TaskStatus.CANCELLED]
    parent.progress = int(rolled_progress(subtree)[parent.id].to_integral_value(ROUND_DOWN))
    if subs and all(t.status == TaskStatus.DONE for t in subs):
        parent.status, parent.progress = TaskStatus.SUBMITTED, 100
        parent.submitted_on = _settled_on(task)
        text = "分解任务已全部完成，报请验收"
        submitted = _event(parent, TaskEvent.Kind.SUBMITTED, actor, text, 100)
        audit(actor=actor, action="task.report", target=parent, detail=f"100%：{text}")
        events.task_submitted(actor=actor, task=parent, event=submitted)
    elif parent.progress or any(t.status != TaskStatus.NOT_STARTED for t in subs):
        parent.status = TaskStatus.IN_PROGRESS
    parent.save(update_fields=["progress", "status", "submitted_on"])
    _roll_up(parent, actor)


def _settled_on(task: Task) -> date:
    """The day the sub-task that completed its parent was settled: accepted, submitted (a
    split task submitted by its own sub-tasks) or, when cancelled, today."""
    if task.status == TaskStatus.DONE and task.finished_on:
        return task.finished_on
    if task.status == TaskStatus.SUBMITTED and task.submitted_on:
        return task.submitted_on
    return timezone.localdate()


@transaction.atomic
def plan_create(
    *,
    actor,
    org: Org,
    year: int,
    kind: str,
    title: str,
    master: Plan | None = None,
    summary: str = "",
    sort_order: int = 0,
) -> Plan:
    require_admin(actor, org, "您没有为该组织制定方案的权限")
    if (
        kind == Plan.Kind.MASTER
        and Plan.objects.filter(org=org, year=year, kind=Plan.Kind.MASTER).exists()
    ):
        raise ApplicationError(
            f"{org.name} {year} 年已有实施方案，可在其下增加分方案", field="kind"
        )
    if kind == Plan.Kind.SUB and (
        master is None
        or master.kind != Plan.Kind.MASTER
        or master.org_id != org.pk
        or master.year != year
    ):
        raise ApplicationError("分方案须属于本组织同年度的实施方案", field="master")
    plan = Plan(
        org=org,
        year=year,
        kind=kind,
        title=title.strip(),
        master=master if kind == Plan.Kind.SUB else None,
        summary=summary,
        sort_order=sort_order,
    )
    full_clean_or_refuse(plan, exclude=["org", "master"])
    plan.save()
    audit(
        actor=actor, action="plan.create", target=plan, detail=f"{year} 年{plan.get_kind_display()}"
    )
    return plan


@transaction.atomic
def plan_item_add(
    *, actor, plan: Plan, title: str, number: str = "", content: str = "", sort_order: int = 0
) -> PlanItem:
    require_admin(actor, plan.org)
    item = PlanItem(
        plan=plan,
        title=title.strip(),
        number=number.strip(),
        content=content,
        sort_order=sort_order,
    )
    full_clean_or_refuse(item, exclude=["plan"])
    item.save()
    audit(actor=actor, action="plan.item_add", target=plan, detail=str(item))
    return item


def _check_task(task: Task) -> None:
    if not task.title.strip():
        raise ApplicationError("请填写任务名称", field="title")
    if task.deadline < task.start_on:
        raise ApplicationError("完成时限不能早于开始日期", field="deadline")
    if task.weight <= 0:
        raise ApplicationError("权重须大于 0", field="weight")
    if not task.owner_org.path.startswith(task.assigner.path):
        raise ApplicationError(f"责任单位须在“{task.assigner.name}”的范围内", field="owner_org")
    if task.owner_org.is_dissolved:
        raise ApplicationError(f"“{task.owner_org.name}”已撤销", field="owner_org")
    if task.parent is not None and task.deadline > task.parent.deadline:
        raise ApplicationError(
            f"分解任务的完成时限不能晚于上级任务（{task.parent.deadline:%Y-%m-%d}）",
            field="deadline",
        )
    full_clean_or_refuse(
        task, exclude=["plan", "item", "parent", "assigner", "owner_org", "source_meeting"]
    )


@transaction.atomic
def task_create(
    *,
    actor,
    owner_org: Org,
    plan: Plan | None = None,
    item: PlanItem | None = None,
    source_meeting=None,
    **fields,
) -> Task:
    """Assign a task from a plan (or a weekly decision) to an owner org."""
    assigner = (
        plan.org if plan is not None else source_meeting.org if source_meeting is not None else None
    )
    if assigner is None:
        raise ApplicationError("任务须来自方案或周调度", field="plan")
    require_admin(actor, assigner, "您没有为该组织下达任务的权限")
    if item is not None and item.plan_id != getattr(plan, "pk", None):
        raise ApplicationError("方案事项不属于该方案", field="item")
    task = Task(
        plan=plan,
        item=item,
        assigner=assigner,
        owner_org=owner_org,
        source_meeting=source_meeting,
        **{k: v for k, v in fields.items() if k in TASK_FIELDS},
    )
    _check_task(task)
    task.save()
    _event(task, TaskEvent.Kind.CREATED, actor, f"{assigner.name}下达给{owner_org.name}")
    audit(
        actor=actor,
        action="task.create",
        target=task,
        changes=diff({}, snapshot(task, ["title", "owner_org", "deadline"])),
    )
    events.task_assigned(actor=actor, task=task)
    return task


@transaction.atomic
def task_split(*, actor, parent: Task, owner_org: Org, **fields) -> Task:
    """The owner unit splits its task into a sub-task for one of its branches."""
    require_admin(actor, parent.owner_org, "只有责任单位的管理员可以分解任务")
    if parent.status not in OPEN_STATUSES or parent.status == TaskStatus.SUBMITTED:
        raise ApplicationError("该任务已报请验收、完成或取消，不能再分解")
    if owner_org.pk == parent.owner_org_id:
        raise ApplicationError("请分解给下级组织", field="owner_org")
    task = Task(
        plan=parent.plan,
        item=parent.item,
        parent=parent,
        assigner=parent.owner_org,
        owner_org=owner_org,
        **{k: v for k, v in fields.items() if k in TASK_FIELDS},
    )
    task.start_on = task.start_on or parent.start_on
    _check_task(task)
    task.save()
    _event(parent, TaskEvent.Kind.SPLIT, actor, f"分解给{owner_org.name}：{task.title}")
    _event(task, TaskEvent.Kind.CREATED, actor, f"{parent.owner_org.name}分解下达")
    audit(actor=actor, action="task.split", target=task, detail=f"上级任务：{parent.title}")
    events.task_assigned(actor=actor, task=task)
    _roll_up(task, actor)
    return task


@transaction.atomic
def task_update(*, actor, task: Task, **fields) -> Task:
    require_admin(actor, task.assigner, "只有交办组织可以修改任务")
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ApplicationError("已完成或已取消的任务不能修改")
    before = snapshot(task, TASK_FIELDS)
    for name, value in fields.items():
        if name in TASK_FIELDS:
            setattr(task, name, value)
    _check_task(task)
    if task.subtasks.filter(deadline__gt=task.deadline).exists():
        raise ApplicationError("有分解任务的完成时限晚于新的时限", field="deadline")
    task.save()
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if changes:
        _event(task, TaskEvent.Kind.UPDATED, actor, "、".join(changes))
        audit(actor=actor, action="task.update", target=task, changes=changes)
        _roll_up(task, actor)
    return task


def _store_evidence(event: TaskEvent, upload) -> Evidence:
    checked = check_upload(
        upload,
        allowed=DOCUMENTS,
        max_mb=20,
        field="files",
        type_message=f"佐证材料只能是 {'、'.join(DOCUMENTS)} 文件",
        size_message="单个文件不能超过 20 MB",
    )
    evidence = Evidence(
        event=event,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=upload.size,
    )
    evidence.file.save(checked.stored_name, upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def task_report(
    *, actor, task: Task, text: str, percent: int, files=(), on: date | None = None
) -> TaskEvent:
    """The owner reports progress; 100% submits the task for acceptance (on `on`, a day
    already past when the report is recorded afterwards; today by default)."""
    locked(task)
    require_reporter(actor, task.owner_org, task.assigner)
    if task.status not in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS):
        raise ApplicationError(f"任务“{task.title}”{task.get_status_display()}，不能报告进展")
    if task.subtasks.exclude(status=TaskStatus.CANCELLED).exists():
        raise ApplicationError("该任务已分解，进度由分解任务汇总，请在分解任务中报告")
    if not 0 <= percent <= 100:
        raise ApplicationError("进度须在 0–100 之间", field="percent")
    if percent < task.progress:
        raise ApplicationError(f"进度不能低于上次报告的 {task.progress}%", field="percent")
    if not text.strip():
        raise ApplicationError("请填写进展情况", field="text")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ApplicationError("报告日期不能晚于今天", field="on")
    files = list(files)
    has_evidence = files or Evidence.objects.filter(event__task=task).exists()
    if percent == 100 and task.needs_evidence and not has_evidence:
        raise ApplicationError("该任务完成时须上传佐证材料", field="files")
    kind = TaskEvent.Kind.SUBMITTED if percent == 100 else TaskEvent.Kind.PROGRESS
    event = _event(task, kind, actor, text.strip(), percent)
    for upload in files:
        _store_evidence(event, upload)
    task.progress = percent
    task.status = TaskStatus.SUBMITTED if percent == 100 else TaskStatus.IN_PROGRESS
    if percent == 100:
        task.submitted_on = on
    task.save(update_fields=["progress", "status", "submitted_on"])
    audit(
        actor=actor, action="task.report", target=task, detail=f"{percent}%：{text.strip()[:100]}"
    )
    if percent == 100:
        events.task_submitted(actor=actor, task=task, event=event)
    _roll_up(task, actor)
    return event


@transaction.atomic
def task_accept(*, actor, task: Task, on: date | None = None, text: str = "") -> Task:
    locked(task)
    require_admin(actor, task.assigner, "只有交办组织可以验收")
    if task.status != TaskStatus.SUBMITTED:
        raise ApplicationError("只有报请验收的任务可以验收")
    task.status = TaskStatus.DONE
    task.finished_on = on or timezone.localdate()
    task.save(update_fields=["status", "finished_on"])
    comment = text.strip() or "验收通过"
    accepted = _event(task, TaskEvent.Kind.ACCEPTED, actor, comment)
    audit(actor=actor, action="task.accept", target=task, detail=comment)
    events.task_decided(actor=actor, task=task, event=accepted)
    _roll_up(task, actor)
    return task


@transaction.atomic
def task_return(*, actor, task: Task, reason: str) -> Task:
    locked(task)
    require_admin(actor, task.assigner, "只有交办组织可以退回")
    if task.status != TaskStatus.SUBMITTED:
        raise ApplicationError("只有报请验收的任务可以退回")
    if not reason.strip():
        raise ApplicationError("请填写退回原因", field="reason")
    task.status = TaskStatus.IN_PROGRESS
    task.progress = min(task.progress, 90)
    task.submitted_on = None  # on time or not is decided by the next submission
    task.save(update_fields=["status", "progress", "submitted_on"])
    returned = _event(task, TaskEvent.Kind.RETURNED, actor, reason.strip())
    audit(actor=actor, action="task.return", target=task, detail=reason.strip())
    events.task_decided(actor=actor, task=task, event=returned)
    _roll_up(task, actor)
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str) -> Task:
    locked(task)
    require_admin(actor, task.assigner, "只有交办组织可以取消任务")
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ApplicationError("该任务已完成或已取消")
    if not reason.strip():
        raise ApplicationError("请填写取消原因", field="reason")
    if task.subtasks.filter(status__in=OPEN_STATUSES).exists():
        raise ApplicationError("请先取消尚未完成的分解任务")
    task.status = TaskStatus.CANCELLED
    task.save(update_fields=["status"])
    cancelled = _event(task, TaskEvent.Kind.CANCELLED, actor, reason.strip())
    audit(actor=actor, action="task.cancel", target=task, detail=reason.strip())
    events.task_decided(actor=actor, task=task, event=cancelled)
    _roll_up(task, actor)
    return task


def is_overdue(task: Task, today: date) -> bool:
    return task.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS) and task.deadline < today


def derived_status(task: Task, today: date) -> tuple[str, str]:
    """(code, label) as users see it: 逾期 replaces 未开始/进行中 after the deadline."""
    if is_overdue(task, today):
        return "overdue", "逾期"
    return task.status, task.get_status_display()
