"""Ledgers of the members module as Excel: the pages and the API call these, and each leaves an
audit record of who took which ledger. Each returns the workbook and its file name."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import Export, new_sheet
from mofan.members import dues, excel
from mofan.members.selectors import member_list
from mofan.orgs.models import BRANCH_TYPES

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
DUES_LEDGER_HEADERS = [
    "姓名",
    "类别",
    "应缴（元）",
    "实缴（元）",
    "缴纳日期",
    "方式",
    "连续欠缴（月）",
]
DUES_SUMMARY_HEADERS = ["支部", "缴费人数", "缴费人次", "应缴（元）", "实缴（元）"]
DUES_REFUSED = "党员只能查看本人的党费记录，不能导出党费台账"
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


def dues_ledger_members(*, actor, org) -> list:
    """The branch's current members as the actor reads them (a plain member: only themselves)."""
    return list(member_list(actor=actor).filter(org=org).order_by("name", "id"))


def dues_ledger_export(*, actor, org, month: date, today: date) -> Export:
    """党费收缴台账 of one branch for one month; `org` comes from a scoped selector."""
    if org.org_type not in BRANCH_TYPES:
        raise ApplicationError("党费收缴台账按党支部导出，请选择一个党支部", field="org_id")
    if not scope_of(actor).reads_roster(org.path):
        raise PermissionDenied(DUES_REFUSED)
    month = dues.month_start(month)
    rows = dues.dues_ledger(dues_ledger_members(actor=actor, org=org), month, today)
    title = f"{org.name}{month:%Y年%m月}党费收缴台账"
    workbook, sheet = new_sheet(title, DUES_LEDGER_HEADERS, "党费")
    for row in rows:
        p = row.payment
        sheet.append(
            [
                row.member.name,
                row.member.get_category_display(),
                row.due,
                p.paid if p else None,
                p.paid_on if p else None,
                p.get_method_display() if p else "",
                row.arrears_months or None,
            ]
        )
    sheet.append(
        [
            "合计",
            f"{len(rows)} 人",
            sum((r.due for r in rows), Decimal("0.00")),
            sum((r.payment.paid for r in rows if r.payment), Decimal("0.00")),
        ]
    )
    audit(actor=actor, action="dues.export", target=org, detail=title)
    return Export(workbook, f"{title}.xlsx")


def dues_summary_rows(*, actor, org, year: int) -> list[dues.YearSummaryRow]:
    """Per branch of the org's sub-tree (or of all the actor reads), the dues paid in `year`."""
    members = member_list(actor=actor, include_history=True)
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    return dues.dues_year_summary(members, year)


def dues_summary_export(*, actor, org, year: int) -> Export:
    """党费年度汇总 of the org's sub-tree (None: everything the actor reads) for `year`."""
    scope = scope_of(actor)
    if not (scope.reads_roster(org.path) if org is not None else scope.reads_roster_anywhere):
        raise PermissionDenied(DUES_REFUSED)
    rows = dues_summary_rows(actor=actor, org=org, year=year)
    title = f"{org.name if org else ''}{year}年党费收缴汇总"
    workbook, sheet = new_sheet(title, DUES_SUMMARY_HEADERS, "党费汇总")
    for r in rows:
        sheet.append([r.org_name, r.members, r.payments, r.due, r.paid])
    sheet.append(
        [
            "合计",
            sum(r.members for r in rows),
            sum(r.payments for r in rows),
            sum((r.due for r in rows), Decimal("0.00")),
            sum((r.paid for r in rows), Decimal("0.00")),
        ]
    )
    audit(actor=actor, action="dues.export", target=org, detail=title)
    return Export(workbook, f"{title}.xlsx")
