"""The score table of a round as the workbook a committee publishes: one row per unit, one
column per item grouped under its area, then the bonus, the total, the grade and the rank
within the unit's category. The page and the API call this; each export is audited."""

from openpyxl.styles import Alignment

from mofan.assessment import compute
from mofan.assessment.models import Indicator, Round, RoundKind
from mofan.assessment.scoring import BONUS
from mofan.core.audit import audit
from mofan.core.excel import HEADER_FILL, HEADER_FONT, Export, new_sheet

LEADING = ["类别内名次", "单位", "类别"]
TRAILING = ["加分", "总分", "等次"]
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _columns(round_: Round) -> list[tuple[Indicator, Indicator]]:
    """(area, item) for every item that counts in an area, in the scheme's order."""
    indicators = list(Indicator.objects.filter(scheme=round_.scheme).order_by("sort_order", "id"))
    areas = [i for i in indicators if i.is_area]
    return [
        (area, item)
        for area in areas
        for item in indicators
        if item.parent_id == area.pk and item.rule != BONUS
    ]


def _group_headers(sheet, columns) -> None:
    """Row 2 names the areas, each merged over its items; row 3 names the items."""
    first = len(LEADING) + 1
    start = first
    for index, (area, _) in enumerate(columns):
        last_of_area = index + 1 == len(columns) or columns[index + 1][0] != area
        if last_of_area:
            end = first + index
            if end > start:
                sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=end)
            start = end + 1
    for column in [*range(1, first), *range(first + len(columns), first + len(columns) + 3)]:
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTRE
    sheet.freeze_panes = "D4"


def _triennial_export(round_: Round) -> tuple[Export, int]:
    """A 三年总评: each year's result and the daily supervision instead of the items."""
    from mofan.assessment.triennial import years_of  # it builds on compute, as this does

    years = years_of(round_)
    headers = LEADING + [f"{year}年度" for year in years] + ["日常监督", "加权总分", "等次"]
    workbook, sheet = new_sheet(f"{round_.name}结果", headers, sheet_name="三年总评")
    table = compute.results(round_)
    for result in table:
        sheet.append(
            [result.rank, result.org_name, result.category]
            + [None if result.years[y] is None else float(result.years[y]) for y in years]
            + [
                None if result.supervision is None else float(result.supervision),
                float(result.total),
                "一票否决" if result.vetoed else result.grade,
            ]
        )
    return Export(workbook, f"{round_.name}结果.xlsx"), len(table)


def round_export(*, actor, round_: Round) -> Export:
    if round_.kind == RoundKind.TRIENNIAL:
        export, count = _triennial_export(round_)
        audit(
            actor=actor, action="assessment.round_export", target=round_, detail=f"{count} 个单位"
        )
        return export
    columns = _columns(round_)
    area_row = LEADING + [area.name for area, _ in columns] + TRAILING
    workbook, sheet = new_sheet(f"{round_.name}得分表", area_row, sheet_name="得分表")
    sheet.append(
        [""] * len(LEADING)
        + [f"{item.name}（{item.max_points.normalize():f}分）" for _, item in columns]
        + [""] * len(TRAILING)
    )
    _group_headers(sheet, columns)
    table = compute.results(round_)
    for result in table:
        sheet.append(
            [result.rank, result.org_name, result.category]
            + [float(result.items[item.pk].points) for _, item in columns]
            + [
                float(result.bonus),
                float(result.total),
                "一票否决" if result.vetoed else ("待评审" if result.pending else result.grade),
            ]
        )
    audit(
        actor=actor, action="assessment.round_export", target=round_, detail=f"{len(table)} 个单位"
    )
    return Export(workbook, f"{round_.name}得分表.xlsx")


HONOUR_HEADERS = ["年度", "称号", "单位", "命名决定", "状态", "摘牌日期", "摘牌原因"]


def honours_export(*, actor, honours) -> Export:
    workbook, sheet = new_sheet("命名表彰名单", HONOUR_HEADERS, sheet_name="命名表彰")
    count = 0
    for honour in honours:
        sheet.append(
            [
                honour.year,
                honour.get_kind_display(),
                honour.org.name,
                honour.decision,
                "有效" if honour.is_active else "已摘牌",
                honour.revoked_on,
                honour.revoke_reason,
            ]
        )
        count += 1
    audit(actor=actor, action="assessment.honours_export", detail=f"{count} 条")
    return Export(workbook, "命名表彰名单.xlsx")
