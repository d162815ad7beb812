"""Word export of a plan with its task table (python-docx; 仿宋/黑体 as official documents use)."""

import io
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from mofan.plans.models import Plan
from mofan.plans.services import derived_status

COLUMNS = ["序号", "任务", "目标要求", "责任单位", "责任人", "完成时限", "进度", "状态"]


def _font(run, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def plan_document(plan: Plan, items, tasks, progress: dict[int, Decimal], today: date) -> bytes:
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(plan.title), "方正小标宋简体", 20, bold=True)
    if plan.summary:
        _font(document.add_paragraph().add_run(plan.summary), "仿宋_GB2312", 14)
    by_item: dict[int | None, list] = {}
    listed = {task.id for task in tasks}
    for task in tasks:
        if task.parent_id not in listed:  # sub-tasks roll up into their parent's row
            by_item.setdefault(task.item_id, []).append(task)
    for item in [*items, None]:
        item_tasks = by_item.get(item.id if item else None, [])
        if item is None and not item_tasks:
            continue
        heading = document.add_paragraph()
        _font(heading.add_run(str(item) if item else "其他任务"), "黑体", 16)
        if item and item.content:
            _font(document.add_paragraph().add_run(item.content), "仿宋_GB2312", 14)
        table = document.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.text = text
        for number, task in enumerate(item_tasks, start=1):
            values = [
                str(number),
                task.title,
                task.target,
                task.owner_org.name,
                task.owner_people,
                f"{task.deadline:%Y-%m-%d}",
                f"{progress.get(task.id, task.progress)}%",
                derived_status(task, today)[1],
            ]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
