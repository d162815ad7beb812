"""Exports of the plan, task and supervision ledgers: the page and the API call these, and each
leaves an audit record of who took which ledger."""

from datetime import date

from openpyxl import Workbook

from mofan.core.audit import audit
from mofan.core.excel import new_sheet
from mofan.plans import excel, word
from mofan.plans.models import Plan
from mofan.plans.selectors import plan_progress, task_filter, task_list

SUPERVISION_HEADERS = [
    "事项",
    "来源",
    "等级",
    "收到日期",
    "承办单位",
    "反馈时限",
    "首次反馈",
    "催办次数",
    "状态",
]


def plan_export(*, actor, plan: Plan, fmt: str, today: date) -> Workbook | bytes:
    """The plan's task ledger as a workbook, or its Word document (bytes) for fmt "docx".
    Only the tasks the actor sees: a plan is also seen by units outside its org."""
    _, _, per_task, tasks = plan_progress(plan)
    visible = {t.id for t in task_filter(task_list(actor=actor), plan=plan)}
    tasks = [t for t in tasks if t.id in visible]
    audit(actor=actor, action="plan.export", target=plan, detail=fmt)
    if fmt == "docx":
        return word.plan_document(plan, list(plan.items.all()), tasks, per_task, today)
    ordered = sorted(tasks, key=lambda t: (t.item_id or 0, t.parent_id or 0, t.deadline, t.id))
    for task in ordered:
        task.plan = plan
    return excel.ledger_workbook(f"{plan.title}任务台账", ordered, per_task, today)


def task_export(*, actor, tasks, title: str, owner=None, today: date) -> Workbook:
    rows = list(tasks)
    audit(actor=actor, action="task.export", target=owner, detail=f"{title} {len(rows)} 项")
    return excel.ledger_workbook(f"{owner.name if owner else ''}{title}", rows, {}, today)


def supervision_export(*, actor, assignments, today: date) -> Workbook:
    """督查督办工作台账: one row per assignment, overdue ones marked."""
    title = "督查督办工作台账"
    workbook, sheet = new_sheet(title, SUPERVISION_HEADERS, "督办台账")
    rows = assignments.select_related("instruction", "org").order_by(
        "instruction__received_on", "id"
    )
    for a in rows:
        overdue = not a.first_answered_on and a.deadline < today
        sheet.append(
            [
                a.instruction.title,
                a.instruction.get_source_display(),
                a.instruction.get_level_display(),
                a.instruction.received_on,
                a.org.name,
                a.deadline,
                a.first_answered_on,
                a.reminders,
                "逾期未反馈" if overdue else a.get_status_display(),
            ]
        )
    audit(actor=actor, action="supervision.export", detail=title)
    return workbook
