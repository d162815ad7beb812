"""The task ledger (台账) in the layout units hand in, and atomic import of a plan's tasks."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.cell_range import CellRange

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import (
    ErrorList,
    RowError,
    SafeSheet,
    cell_text,
    new_sheet,
    parse_date,
    read_table,
)
from mofan.orgs.models import Org
from mofan.plans.models import Plan
from mofan.plans.services import derived_status, plan_item_add, task_create

GROUPS = [
    ("任务信息", ["序号", "方案", "方案事项", "任务", "目标要求"]),
    ("责任", ["责任单位", "责任人", "分管领导"]),
    ("时间", ["开始日期", "完成时限"]),
    ("进展", ["进度（%）", "状态"]),
]
HEADERS = [h for _, headers in GROUPS for h in headers]
BOLD = Font(bold=True)
FILL = PatternFill("solid", fgColor="F2DCDB")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


WIDTHS = [6, 18, 18, 30, 24, 18, 10, 10, 12, 12, 9, 8]


def ledger_workbook(title: str, tasks, progress: dict[int, Decimal], today: date) -> Workbook:
    """Title row, merged group headers, headers, then one row per task.

    The sheet is written as it goes (openpyxl's write-only mode): 50,000 tasks take a few
    seconds and little memory. The workbook can be saved once."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("任务台账")
    for width, letter in zip(WIDTHS, "ABCDEFGHIJKL", strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    sheet.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(HEADERS), max_row=1))
    column = 1
    for _, headers in GROUPS:
        sheet.merged_cells.add(
            CellRange(min_col=column, min_row=2, max_col=column + len(headers) - 1, max_row=2)
        )
        column += len(headers)
    sheet.append([_styled(sheet, title, font=Font(bold=True, size=14), alignment=CENTER)])
    groups = [cell for name, headers in GROUPS for cell in [name] + [None] * (len(headers) - 1)]
    for row in (groups, HEADERS):
        sheet.append([_styled(sheet, v, font=BOLD, fill=FILL, alignment=CENTER) for v in row])
    sheet = SafeSheet(sheet)  # from here on the cells hold what users typed
    for number, task in enumerate(tasks, start=1):
        sheet.append(
            [
                number,
                task.plan.title if task.plan else "周调度",
                task.item.title if task.item else "",
                task.title,
                task.target,
                task.owner_org.name,
                task.owner_people,
                task.leader,
                task.start_on,
                task.deadline,
                float(progress.get(task.id, task.progress)),
                derived_status(task, today)[1],
            ]
        )
    return workbook


def _styled(sheet, value, **styles) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


IMPORT_COLUMNS = [
    ("方案事项", "item"),
    ("任务", "title"),
    ("内容", "content"),
    ("目标要求", "target"),
    ("责任单位", "owner_org"),
    ("责任人", "owner_people"),
    ("分管领导", "leader"),
    ("开始日期", "start_on"),
    ("完成时限", "deadline"),
    ("须佐证", "needs_evidence"),
    ("权重", "weight"),
]
HEADER_OF = {key: header for header, key in IMPORT_COLUMNS}
REQUIRED = ["title", "owner_org", "start_on", "deadline"]
# Checked row by row, so that every long cell is listed rather than the first one met on saving.
MAX_LENGTHS = {"item": 200, "title": 200, "target": 300, "owner_people": 100, "leader": 50}


@dataclass
class TaskImport:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_tasks(*, actor, plan: Plan, upload) -> TaskImport:
    """Check every row; create nothing unless all are right."""
    result = TaskImport()
    table = read_table(upload, dict(IMPORT_COLUMNS), REQUIRED)
    if not table:
        raise ApplicationError("文件中没有数据行")
    scope = scope_of(actor)
    units = {}
    for org in Org.objects.filter(path__startswith=plan.org.path, dissolved_on__isnull=True):
        units.setdefault(org.name, org)
        units.setdefault(org.code, org)
        if org.short_name:
            units.setdefault(org.short_name, org)
    for row_number, raw in table:
        data = _parse(row_number, raw, units, result.errors)
        if data.get("owner_org") is not None and not scope.sees(data["owner_org"].path):
            result.errors.append(RowError(row_number, "责任单位", "不在您的管理范围内"))
        result.rows.append((row_number, data))
    if result.errors:
        return result
    with transaction.atomic():
        items = {item.title: item for item in plan.items.all()}
        for row_number, data in result.rows:
            item_title = data.pop("item")
            if item_title and item_title not in items:
                items[item_title] = plan_item_add(actor=actor, plan=plan, title=item_title)
            try:
                task_create(actor=actor, plan=plan, item=items.get(item_title), **data)
            except ApplicationError as exc:
                raise ApplicationError(f"第 {row_number} 行：{exc.message}") from exc
            result.created += 1
        audit(
            actor=actor, action="task.import", target=plan, detail=f"导入任务 {result.created} 项"
        )
    return result


def _parse(row_number: int, raw: dict, units: dict[str, Org], errors: ErrorList) -> dict:
    def error(key, reason):
        errors.append(RowError(row_number, HEADER_OF[key], reason))

    data = {
        key: cell_text(raw.get(key))
        for _, key in IMPORT_COLUMNS
        if key not in ("start_on", "deadline")
    }
    for key in REQUIRED:
        if key not in ("start_on", "deadline") and not data[key]:
            error(key, "必须填写")
    org_text = data["owner_org"]
    data["owner_org"] = units.get(org_text)
    if org_text and data["owner_org"] is None:
        error("owner_org", f"找不到单位“{org_text}”")
    for key in ("start_on", "deadline"):
        try:
            data[key] = parse_date(raw.get(key))
        except ValueError as exc:
            error(key, str(exc))
            data[key] = None
        if data[key] is None and not errors.has(row_number, HEADER_OF[key]):
            error(key, "必须填写")
    if data["start_on"] and data["deadline"] and data["deadline"] < data["start_on"]:
        error("deadline", "完成时限早于开始日期")
    data["needs_evidence"] = data["needs_evidence"] in {"是", "Y", "y", "1", "√"}
    try:
        data["weight"] = Decimal(data["weight"] or "1")
        if data["weight"] <= 0:
            raise InvalidOperation
    except InvalidOperation:
        error("weight", "权重须为大于 0 的数字")
        data["weight"] = Decimal(1)
    for key, limit in MAX_LENGTHS.items():
        if len(data[key]) > limit:
            error(key, f"不能超过 {limit} 字")
    return data


def import_template() -> Workbook:
    workbook, sheet = new_sheet(
        "方案任务导入模板（任务、责任单位、开始日期、完成时限为必填）",
        [h for h, _ in IMPORT_COLUMNS],
        "任务",
    )
    return workbook
