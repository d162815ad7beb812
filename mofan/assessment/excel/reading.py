"""A scheme workbook read and checked row by row; nothing is written here."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from mofan.assessment.excel.layout import (
    COLUMNS,
    FACT_CODE,
    FOOTER,
    GRADE,
    HEADER_OF,
    KEYS,
    REQUIRED,
    TARGET_BY_LABEL,
    TITLE,
)
from mofan.assessment.excel.rule_text import rule_from_text
from mofan.assessment.models import Scheme
from mofan.assessment.rules import item_rule, number_words
from mofan.assessment.scoring import (
    BONUS,
    VETO,
    RuleError,
    decimal_or_refuse,
)
from mofan.core.errors import ApplicationError
from mofan.core.excel import (
    HEADER_SEARCH_ROWS,
    ErrorList,
    RowError,
    cell_text,
    first_sheet_rows,
    read_table,
)
from mofan.core.facts import facts

MAX_POINTS = 1000
MAX_NAME = 200


@dataclass
class ItemRow:
    row: int
    name: str
    max_points: Decimal
    rule: str
    fact_code: str
    params: dict
    guidance: str
    evidence: str


@dataclass
class AreaRow:
    row: int
    name: str
    max_points: Decimal | None
    items: list[ItemRow] = field(default_factory=list)
    refused: int = 0  # item rows under it with an error


@dataclass
class SchemeImport:
    """What a file holds, the bad rows, and once written the scheme it made or filled."""

    areas: list[AreaRow] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)
    title: str = ""
    year: int | None = None
    target: str = ""
    bonus_cap: Decimal | None = None
    grades: list[tuple[str, Decimal]] = field(default_factory=list)
    grades_row: int = 0
    description: str = ""
    scheme: Scheme | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def item_count(self) -> int:
        return sum(len(area.items) for area in self.areas)


def read_scheme(upload) -> SchemeImport:
    """Every row of the file checked; nothing written."""
    found = SchemeImport()
    found.title, found.year = _title(upload)
    table = read_table(upload, COLUMNS, REQUIRED)
    if not table:
        raise ApplicationError("文件中没有指标行")
    labels = {f.code: f.label for f in facts()}
    for row_number, raw in table:
        text = " ".join(cell_text(raw.get(key)) for key in KEYS if cell_text(raw.get(key)))
        footer = FOOTER.match(text)
        if footer and not cell_text(raw.get("item")):
            _read_footer(found, row_number, footer.group(1), footer.group(2).strip())
            continue
        if text == cell_text(raw.get("number")):
            continue  # a numbered row left empty
        _read_row(found, row_number, raw, labels)
    _check_areas(found)
    return found


def _title(upload) -> tuple[str, int | None]:
    """The scheme name and year from the title row above the headers, if the file has one."""
    with first_sheet_rows(upload) as rows:
        for number, row in enumerate(rows, start=1):
            texts = [cell_text(v) for v in row if cell_text(v)]
            if "具体指标" in texts or number > HEADER_SEARCH_ROWS:
                break
            if texts:
                match = TITLE.match(texts[0])
                return (match.group(1), int(match.group(2))) if match else (texts[0], None)
    return "", None


def _read_footer(found: SchemeImport, row: int, what: str, text: str) -> None:
    if what == "考核对象":
        found.target = TARGET_BY_LABEL.get(text, "")
        if not found.target:
            options = "或".join(TARGET_BY_LABEL)
            found.errors.append(RowError(row, "考核对象", f"应为{options}，现为“{text}”"))
    elif what == "加分上限":
        try:
            found.bonus_cap = decimal_or_refuse(re.sub(r"\s*分$", "", text), "加分上限")
        except RuleError as error:
            found.errors.append(RowError(row, "加分上限", str(error)))
    elif what == "说明":
        found.description = text
    elif what == "考核等次" and text != "未设置":
        found.grades = [(label, Decimal(at_least)) for label, at_least in GRADE.findall(text)]
        found.grades_row = row
        if not found.grades:
            found.errors.append(
                RowError(row, "考核等次", f"无法识别等次“{text}”，请写成“好 ≥90 分；较好 ≥80 分”")
            )


def _read_row(found: SchemeImport, row: int, raw: dict, labels: dict[str, str]) -> None:
    def error(key: str, reason: str) -> None:
        found.errors.append(RowError(row, HEADER_OF[key], reason))

    area_name, item_name = cell_text(raw.get("area")), cell_text(raw.get("item"))
    points_text = cell_text(raw.get("points"))
    points = None
    if points_text:
        try:
            points = decimal_or_refuse(points_text, "分值")
            if not 0 <= points <= MAX_POINTS:
                error("points", f"分值应在 0 到 {MAX_POINTS} 分之间")
        except RuleError as refused:
            error("points", str(refused))
    if len(area_name) > MAX_NAME:
        error("area", f"不能超过 {MAX_NAME} 字")
    if area_name and not item_name:
        found.areas.append(AreaRow(row, area_name, points))
        return
    if not item_name:
        error("item", "必须填写（或在一级指标列写领域名称）")
        return
    area = _area_for(found, row, area_name)
    if area is None:
        error("area", "具体指标须写在一级指标之下：请先写一行一级指标，或在本行填写一级指标")
        return
    item = _read_item(row, raw, item_name, points, labels, error)
    if item is not None and not found.errors.has(row):
        area.items.append(item)
    else:
        area.refused += 1


def _area_for(found: SchemeImport, row: int, name: str) -> AreaRow | None:
    if not name:
        return found.areas[-1] if found.areas else None
    for area in found.areas:
        if area.name == name:
            return area
    found.areas.append(AreaRow(row, name, None))
    return found.areas[-1]


def _read_item(row, raw, name, points, labels, error) -> ItemRow | None:
    if len(name) > MAX_NAME:
        error("item", f"不能超过 {MAX_NAME} 字")
    source_text = cell_text(raw.get("source"))
    rule_text = cell_text(raw.get("rule"))
    code = _fact_code(source_text, labels, error)
    if code is None:
        return None
    if not code and not source_text:
        code = _label_at_start(rule_text, labels)
    if not rule_text:
        error("rule", "必须填写")
        return None
    try:
        rule, params = rule_from_text(rule_text, label=labels.get(code, ""), maximum=points)
    except RuleError as refused:
        error("rule", str(refused))
        return None
    if points is None:
        if rule != VETO:
            if not cell_text(raw.get("points")):  # else it was refused as not a number
                error("points", "必须填写")
            return None
        points = Decimal(0)
    try:
        item_rule(rule=rule, max_points=points, fact_code=code, params=params)
    except RuleError as refused:
        error(_column_of(str(refused)), str(refused))
        return None
    return ItemRow(
        row,
        name,
        points,
        rule,
        code,
        params,
        cell_text(raw.get("guidance")),
        cell_text(raw.get("evidence")),
    )


def _fact_code(text: str, labels: dict[str, str], error) -> str | None:
    """The fact code a 数据来源 cell names ("" when blank), None when it names no fact."""
    if not text:
        return ""
    match = FACT_CODE.search(text)
    if match:
        if match.group(0) not in labels:
            error("source", f"没有编码为“{match.group(0)}”的统计指标")
            return None
        return match.group(0)
    by_label = {label: code for code, label in labels.items()}
    bare = re.sub(r"[（(].*?[）)]", "", text).strip()
    if bare in by_label:
        return by_label[bare]
    error("source", f"“{text}”不是统计指标：请填写统计指标编码，如 meetings.attendance")
    return None


def _label_at_start(text: str, labels: dict[str, str]) -> str:
    """A rule written as the export writes it without the 数据来源 column: the fact whose
    label the words start with (the longest such label)."""
    starting = [(len(label), code) for code, label in labels.items() if text.startswith(label)]
    return max(starting)[1] if starting else ""


def _column_of(message: str) -> str:
    if "数据来源" in message or "统计指标" in message or "比率类" in message:
        return "source"
    if message.startswith("分值"):
        return "points"
    return "rule"


def counted_points(area: AreaRow) -> Decimal:
    return sum((i.max_points for i in area.items if i.rule not in (BONUS, VETO)), Decimal(0))


def _check_areas(found: SchemeImport) -> None:
    if not found.areas:
        found.errors.append(RowError(0, "一级指标", "文件中没有一级指标和具体指标"))
    names = [area.name for area in found.areas]
    for area in found.areas:
        if names.count(area.name) > 1 and area.row != min(
            a.row for a in found.areas if a.name == area.name
        ):
            found.errors.append(RowError(area.row, "一级指标", f"一级指标“{area.name}”重复"))
        if not area.items and not area.refused:
            found.errors.append(
                RowError(area.row, "具体指标", f"一级指标“{area.name}”下没有具体指标")
            )
        counted = counted_points(area)
        if area.max_points and area.items and counted != area.max_points:
            found.errors.append(
                RowError(
                    area.row,
                    "分值",
                    f"一级指标“{area.name}”分值 {number_words(area.max_points)} 分，"
                    f"其下指标合计 {number_words(counted)} 分",
                )
            )
