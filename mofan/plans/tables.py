"""The columns of the task list and the 督办 register (the data table component,
core/components.py)."""

from html import escape

from django.utils.safestring import mark_safe

from mofan.core.components import Column, Table, day, labels, link, tag, url_maker
from mofan.plans.models import Instruction, TaskStatus

# One colour per meaning (done green, overdue red, waiting amber, not started grey).
TASK_TONES = {
    "overdue": "overdue",  # .tag.overdue: the red of overdue, in bold
    TaskStatus.DONE: "tag-done",
    TaskStatus.SUBMITTED: "tag-due",
    TaskStatus.NOT_STARTED: "tag-todo",
    TaskStatus.CANCELLED: "gray",
}
SOURCES = labels(Instruction.Source.choices)
LEVELS = labels(Instruction.Level.choices)


def task_table(view: str = "") -> Table:
    """Rows are (task, (status code, label)) pairs, as the task list view gives them."""
    detail = url_maker("plans:task")
    title = Column("任务", lambda r: link(detail(r[0].id), r[0].title), sort="title", title=True)
    deadline = Column("完成时限", lambda r: day(r[0].deadline), sort="deadline")
    owner = Column("责任单位", lambda r: r[0].owner_org.name)
    if view == "people":
        title = Column("任务", title.cell, title=True)
        deadline = Column("完成时限", deadline.cell)
        owner = Column("责任单位", owner.cell, sort="owner")
        columns = (
            title,
            owner,
            Column("责任人", lambda r: r[0].owner_people),
            Column("分管领导", lambda r: r[0].leader, key=False),
            deadline,
        )
    else:
        columns = (title, deadline, owner, Column("责任人", lambda r: r[0].owner_people, key=False))
    return Table(
        (
            *columns,
            Column("进度", lambda r: f"{r[0].progress}%"),
            Column("状态", _task_status, sort="status"),
        ),
        hint="没有符合条件的任务：换个条件查询，或点“重置”。",
        row_class=lambda r: "row-bad" if r[1][0] == "overdue" else "",
    )


def _task_status(row):
    code, label = row[1]
    return tag(TASK_TONES.get(code, ""), label)


def instruction_table() -> Table:
    """Rows are the register's dicts: instruction, assignments [(assignment, css, label)],
    overdue."""
    detail = url_maker("plans:instruction")
    return Table(
        (
            Column(
                "事项",
                lambda r: link(detail(r["instruction"].id), r["instruction"].title),
                title=True,
            ),
            Column("收到日期", lambda r: day(r["instruction"].received_on)),
            Column("来源", lambda r: SOURCES.get(r["instruction"].source, ""), key=False),
            Column("等级", lambda r: LEVELS.get(r["instruction"].level, ""), key=False),
            Column("督办组织", lambda r: r["instruction"].org.name, key=False),
            Column(
                "承办单位", lambda r: _lines(escape(a.org.name) for a, _, _ in r["assignments"])
            ),
            Column("时限", lambda r: _lines(day(a.deadline) for a, _, _ in r["assignments"])),
            Column(
                "状态",
                lambda r: _lines(tag(css, label) for _, css, label in r["assignments"]),
            ),
        ),
        hint="没有符合条件的督办事项：换个时间段或状态查询。",
        row_class=lambda r: "row-bad" if r["overdue"] else "",
    )


def _lines(parts) -> str:
    return mark_safe("<br>".join(str(p) for p in parts))
