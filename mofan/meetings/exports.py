"""Ledgers of organisational life as Excel: the pages call these, and each leaves an audit
record of who took which ledger. Each returns the workbook and its file name."""

from datetime import date

from django.db.models import Count, Q

from mofan.core.audit import audit
from mofan.core.excel import Export, new_sheet
from mofan.meetings.compliance import STATUS_LABELS
from mofan.meetings.models import AppraisalResult, Attendance
from mofan.meetings.selectors import INACTIVE_MONTHS, attendance_rates

MEETING_HEADERS = [
    "组织",
    "类型",
    "主题",
    "计划日期",
    "召开日期",
    "地点",
    "主持人",
    "第一议题",
    "应到",
    "实到",
    "状态",
]


def meeting_export(*, actor, org, meetings) -> Export:
    title = f"{org.name if org else ''}组织生活台账"
    workbook, sheet = new_sheet(title, MEETING_HEADERS, "组织生活")
    rows = meetings.annotate(
        expected=Count("attendance"),
        present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
    )
    for m in rows.iterator(chunk_size=2000):
        sheet.append(
            [
                m.org.name,
                m.get_kind_display(),
                m.topic,
                m.planned_on,
                m.held_on,
                m.place,
                m.host,
                m.first_topic_title if m.first_topic else "",
                m.expected,
                m.present,
                m.get_status_display(),
            ]
        )
    audit(actor=actor, action="meeting.export", target=org, detail=title)
    return Export(workbook, f"{title}.xlsx")


def compliance_export(*, actor, root, span, columns, rows) -> Export:
    """The compliance matrix as shown: held/required and the status of each cell."""
    title = f"{root.name}{span.label}组织生活完成情况"
    workbook, sheet = new_sheet(title, ["组织", *[c.label for c in columns]], "完成情况")
    for row in rows:
        sheet.append([row["org"].name, *[_cell_text(c) for c in row["cells"]]])
    audit(actor=actor, action="meeting.compliance_export", target=root, detail=title)
    return Export(workbook, f"{title}.xlsx")


def _cell_text(cell: dict) -> str:
    if not cell["required"]:
        return "—"
    return f"{cell['held']}/{cell['required']} {STATUS_LABELS.get(cell['status'], '')}"


def attendance_export(*, actor, root, members, span) -> Export:
    """出席情况: each member's attendance over the held meetings of the period."""
    title = f"{root.name}{span.label}党员参加组织生活情况"
    headers = ["党支部", "姓名", "应参加（次）", "实际参加（次）", "出席率"]
    workbook, sheet = new_sheet(title, headers, "出席情况", streaming=True)
    rates = attendance_rates(members, span.start, span.last)
    for m in members.select_related("org").order_by("org__path", "name").iterator(2000):
        present, expected = rates.get(m.id, (0, 0))
        rate = f"{present * 100 / expected:.1f}%" if expected else "—"
        sheet.append([m.org.name, m.name, expected, present, rate])
    audit(actor=actor, action="meeting.attendance_export", target=root, detail=title)
    return Export(workbook, f"{title}.xlsx")


def inactive_export(*, actor, root, members, since: date) -> Export:
    """连续六个月未参加组织生活的党员 (members already annotated with last_present)."""
    title = f"{root.name}连续{INACTIVE_MONTHS}个月未参加组织生活的党员"
    headers = ["党支部", "姓名", "最近一次参加", "统计起点"]
    workbook, sheet = new_sheet(title, headers, "名单", streaming=True)
    for m in members.select_related("org").order_by("org__path", "name").iterator(2000):
        sheet.append([m.org.name, m.name, m.last_present or "无记录", since])
    audit(actor=actor, action="meeting.inactive_export", target=root, detail=title)
    return Export(workbook, f"{title}.xlsx")


def terms_export(*, actor, orgs, today: date) -> Export:
    """换届提醒: orgs whose term ends soon or has ended."""
    title = f"换届提醒（{today:%Y-%m-%d}）"
    headers = ["组织", "本届任期开始", "本届任期届满", "情况"]
    workbook, sheet = new_sheet(title, headers, "换届提醒")
    for o in orgs:
        status = "已逾期" if o.term_end < today else "即将届满"
        sheet.append([o.name, o.term_start, o.term_end, status])
    audit(actor=actor, action="election.terms_export", detail=title)
    return Export(workbook, f"{title}.xlsx")


def appraisal_export(*, actor, org, rounds) -> Export:
    title = f"{org.name if org else ''}民主评议党员结果"
    workbook, sheet = new_sheet(title, ["年度", "党支部", "姓名", "类别", "等次"], "评议结果")
    results = AppraisalResult.objects.filter(round__in=rounds).select_related(
        "round__org", "member"
    )
    ordered = results.order_by("-round__year", "round__org__path", "member__name")
    for r in ordered.iterator(chunk_size=2000):
        grade = r.get_grade_display() or (
            "不评定等次" if r.member.category == "probationary" else "未评定"
        )
        sheet.append(
            [r.round.year, r.round.org.name, r.member.name, r.member.get_category_display(), grade]
        )
    audit(actor=actor, action="appraisal.export", target=org, detail=title)
    return Export(workbook, f"{title}.xlsx")
