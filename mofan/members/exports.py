"""Ledgers of the members module as Excel: the pages and the API call these, and each leaves an
audit record of who took which ledger. Each returns the workbook and its file name."""

from datetime import date

from mofan.core.audit import audit
from mofan.core.excel import Export, new_sheet
from mofan.members import excel

PIPELINE_HEADERS = [
    "姓名",
    "所在支部",
    "阶段",
    "已完成步骤",
    "下一步",
    "应办日期",
    "最早可办",
    "情况",
]
TRANSFER_HEADERS = [
    "姓名",
    "转出支部",
    "转入支部",
    "介绍信编号",
    "转出日期",
    "状态",
    "办理日期",
    "说明",
]


def roster_export(*, actor, org, members, title: str, detail: str) -> Export:
    workbook = excel.export_workbook(members.order_by("org__path", "name", "id"), title)
    audit(actor=actor, action="member.export", target=org, detail=detail)
    return Export(workbook, f"{title}.xlsx")


def pipeline_export(*, actor, org, rows, today: date) -> Export:
    """发展党员台账: each candidate's stage, next step and its dates, overdue ones marked."""
    title = f"{org.name if org else ''}发展党员台账（{today:%Y-%m-%d}）"
    workbook, sheet = new_sheet(title, PIPELINE_HEADERS, "发展党员")
    for r in rows:
        next_step = f"第 {r.next_step} 步 {r.next_name}" if r.next_step else "—"
        sheet.append(
            [
                r.candidate.name,
                r.candidate.org.name,
                r.stage,
                r.candidate.last_step,
                next_step,
                r.due,
                r.earliest,
                "逾期" if r.overdue(today) else "",
            ]
        )
    audit(actor=actor, action="development.export", target=org, detail=title)
    return Export(workbook, f"{title}.xlsx")


def transfer_export(*, actor, transfers, status_label: str) -> Export:
    """组织关系转接台账 of the transfers the actor's sub-tree sent or received."""
    title = f"组织关系转接台账（{status_label}）"
    workbook, sheet = new_sheet(title, TRANSFER_HEADERS, "组织关系转接")
    for t in transfers:
        sheet.append(
            [
                t.member.name,
                t.from_org.name,
                t.to_org.name,
                t.letter_number,
                t.sent_on,
                t.get_status_display(),
                t.answered_on,
                t.note,
            ]
        )
    audit(actor=actor, action="transfer.export", detail=title)
    return Export(workbook, f"{title}.xlsx")
