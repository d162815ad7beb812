"""A scheme as the workbook committees publish: title, headers, areas in bold with their items,
then 满分, 考核对象, 加分上限 and 考核等次 below."""

from mofan.assessment import services
from mofan.assessment.excel.layout import (
    AREA_FONT,
    HEADERS,
    WIDTHS,
    WRAP,
    area_numeral,
    cell_number,
)
from mofan.assessment.models import Scheme
from mofan.assessment.rules import item_rule, number_words
from mofan.assessment.scoring import (
    RuleError,
)
from mofan.core.audit import audit
from mofan.core.excel import (
    Export,
    new_sheet,
)
from mofan.core.facts import facts


def scheme_title(scheme: Scheme) -> str:
    return f"{scheme.name}（{scheme.year}年度）"


def _rule_words(item) -> str:
    try:
        return item_rule(
            rule=item.rule, max_points=item.max_points, fact_code=item.fact_code, params=item.params
        ).describe()
    except RuleError as error:
        return f"规则有误：{error}"


def _source_words(code: str) -> str:
    labels = {f.code: f.label for f in facts()}
    return f"{code}（{labels.get(code, '未登记的统计指标')}）" if code else ""


def scheme_export(*, actor, scheme: Scheme) -> Export:
    """The scheme's workbook. `scheme` comes with its areas and their items prefetched
    (selectors.scheme_with_indicators)."""
    workbook, sheet = new_sheet(scheme_title(scheme), HEADERS, sheet_name="考核方案")
    for letter, width in zip("ABCDEFGH", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    number = 0
    for index, area in enumerate(scheme.areas, start=1):
        sheet.append([area_numeral(index), area.name, "", cell_number(area.max_points)])
        _style_last_row(sheet, font=AREA_FONT)
        for item in area.children.all():
            number += 1
            sheet.append(
                [
                    number,
                    "",
                    item.name,
                    cell_number(item.max_points),
                    _rule_words(item),
                    item.guidance,
                    item.evidence,
                    _source_words(item.fact_code),
                ]
            )
            _style_last_row(sheet, alignment=WRAP)
    sheet.append([])
    for line in _footer_lines(scheme):
        sheet.append([line])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    audit(actor=actor, action="assessment.scheme_export", target=scheme)
    return Export(workbook, f"{scheme.name}.xlsx")


def _style_last_row(sheet, **styles) -> None:
    for row in sheet.iter_rows(min_row=sheet.max_row, max_row=sheet.max_row):
        for cell in row:
            for name, style in styles.items():
                setattr(cell, name, style)


def _footer_lines(scheme: Scheme) -> list[str]:
    grades = "；".join(f"{g.label} ≥{number_words(g.at_least)} 分" for g in scheme.grades.all())
    lines = [
        f"满分：{number_words(services.scheme_total(scheme))} 分",
        f"考核对象：{scheme.get_target_display()}",
        f"加分上限：{number_words(scheme.bonus_cap)} 分",
        f"考核等次：{grades or '未设置'}",
    ]
    if scheme.description:
        lines.append(f"说明：{scheme.description}")
    return lines


def import_template():
    workbook, sheet = new_sheet("考核方案名称（2026年度）", HEADERS, sheet_name="考核方案")
    for row in [
        ["一", "基层组织", "", 10],
        [
            1,
            "",
            "党员参加组织生活出席率",
            6,
            "达标档次 ≥90% 满分 ≥80% 得80%",
            "出席率 90% 以上得满分",
            "会议记录",
            "meetings.attendance",
        ],
        [2, "", "逾期未完成任务", 4, "每次扣 1 分", "", "", "plans.tasks.overdue"],
        ["二", "加分项", "", 0],
        [3, "", "工作经验被上级推广", 3, "加分项每项 1 分", "", "推广文件", ""],
        [],
        ["考核对象：单位"],
        ["加分上限：5 分"],
        ["考核等次：好 ≥90 分；较好 ≥80 分；一般 ≥60 分；差 ≥0 分"],
    ]:
        sheet.append(row)
    _fact_sheet(workbook)
    return workbook


def _fact_sheet(workbook) -> None:
    """The codes a 数据来源 cell may name, on a second sheet (the import reads the first)."""
    sheet = workbook.create_sheet("数据来源（统计指标）")
    sheet.append(["编码", "名称", "单位", "可用于按比例计分"])
    for cell in sheet[1]:
        cell.font = AREA_FONT
    for found in facts():
        sheet.append([found.code, found.label, found.unit, "是" if found.is_rate else ""])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 36
