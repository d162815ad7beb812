"""Excel export of a sub-tree and atomic import of orgs."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import ErrorList, RowError, cell_text, new_sheet, parse_date, read_table
from mofan.orgs.models import ALLOWED_CHILDREN, Org, OrgType
from mofan.orgs.services import org_create

COLUMNS = [
    ("组织名称", "name"),
    ("简称", "short_name"),
    ("组织编码", "code"),
    ("组织类型", "org_type"),
    ("上级组织编码", "parent_code"),
    ("所在单位", "unit"),
    ("成立日期", "established_on"),
    ("排序号", "sort_order"),
    ("任期开始", "term_start"),
    ("任期届满", "term_end"),
]
HEADER_OF = {key: header for header, key in COLUMNS}
REQUIRED = ["name", "code", "org_type", "parent_code"]
TYPE_BY_LABEL = {label: value for value, label in OrgType.choices}


def export_workbook(root: Org, orgs: list[Org]):
    """One row per org in tree order; the parent is given by its code."""
    workbook, sheet = new_sheet(f"{root.name}组织体系", [h for h, _ in COLUMNS] + ["状态"], "组织")
    code_by_path = {o.path: o.code for o in orgs}
    for org in orgs:
        parent_code = code_by_path.get(org.path[: -Org.steplen], "")
        if org.path == root.path and root.depth > 1:
            parent_code = (
                Org.objects.filter(path=org.path[: -Org.steplen])
                .values_list("code", flat=True)
                .first()
                or ""
            )
        sheet.append(
            [
                org.name,
                org.short_name,
                org.code,
                org.get_org_type_display(),
                parent_code,
                org.unit,
                org.established_on,
                org.sort_order,
                org.term_start,
                org.term_end,
                "已撤销" if org.is_dissolved else "正常",
            ]
        )
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.is_date:
                cell.number_format = "yyyy-mm-dd"
    return workbook


def template_workbook():
    workbook, sheet = new_sheet("党组织导入模板（带 * 为必填）", [h for h, _ in COLUMNS], "组织")
    sheet.append(
        [
            "市XX局机关第一党支部",
            "第一支部",
            "XXJ-01",
            "党支部",
            "（上级组织编码）",
            "市XX局",
            "2021-06-30",
            1,
            "2024-01-01",
            "2027-01-01",
        ]
    )
    return workbook


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)
    created: list[Org] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_row(row_number: int, raw: dict, errors: ErrorList) -> dict:
    def error(key, reason):
        errors.append(RowError(row_number, HEADER_OF[key], reason))

    data = {
        key: cell_text(raw.get(key))
        for _, key in COLUMNS
        if key not in ("established_on", "term_start", "term_end")
    }
    for key in REQUIRED:
        if not data[key]:
            error(key, "必须填写")
    if data["org_type"] and data["org_type"] not in TYPE_BY_LABEL:
        error("org_type", f"“{data['org_type']}”不是有效的组织类型（{'、'.join(TYPE_BY_LABEL)}）")
    data["org_type"] = TYPE_BY_LABEL.get(data["org_type"], "")
    for key in ("established_on", "term_start", "term_end"):
        try:
            data[key] = parse_date(raw.get(key))
        except ValueError as exc:
            error(key, str(exc))
            data[key] = None
    try:
        data["sort_order"] = int(data["sort_order"] or 0)
    except ValueError:
        error("sort_order", "排序号须为整数")
        data["sort_order"] = 0
    if len(data["name"]) > 100:
        error("name", "组织名称不能超过 100 字")
    if len(data["code"]) > 32:
        error("code", "组织编码不能超过 32 个字符")
    if data["term_start"] and data["term_end"] and data["term_end"] <= data["term_start"]:
        error("term_end", "任期届满日期必须晚于任期开始日期")
    for key in ("short_name", "unit", "sort_order"):  # what org_create would refuse later
        try:
            Org._meta.get_field(key).clean(data[key], None)
        except ValidationError as exc:
            error(key, exc.messages[0])
    return data


def import_orgs(*, actor, upload) -> ImportResult:
    """Check every row first; create nothing unless every row is right."""
    result = ImportResult()
    table = read_table(upload, dict(COLUMNS), REQUIRED)
    if not table:
        raise ApplicationError("文件中没有数据行")
    codes_in_file: dict[str, int] = {}
    for row_number, raw in table:
        data = _parse_row(row_number, raw, result.errors)
        data["row"] = row_number
        if data["code"] in codes_in_file:
            result.errors.append(
                RowError(row_number, "组织编码", f"与第 {codes_in_file[data['code']]} 行重复")
            )
        codes_in_file.setdefault(data["code"], row_number)
        result.rows.append(data)
    _check_against_database(actor, result)
    if result.errors:
        return result
    with transaction.atomic():
        result.created = _create_all(actor, result.rows)
        audit(actor=actor, action="org.import", detail=f"导入组织 {len(result.created)} 个")
    return result


def _check_against_database(actor, result: ImportResult) -> None:
    codes = {row["code"] for row in result.rows} | {row["parent_code"] for row in result.rows}
    existing = {o.code: o for o in Org.objects.filter(code__in=codes)}
    scope = scope_of(actor)
    type_in_file = {}
    for row in result.rows:
        if row["code"] in existing:
            result.errors.append(RowError(row["row"], "组织编码", f"“{row['code']}”已存在于系统中"))
        parent_code = row["parent_code"]
        parent_type = None
        if parent_code in type_in_file:
            parent_type = type_in_file[parent_code]
        elif parent_code in existing:
            parent = existing[parent_code]
            if not scope.can_admin(parent.path) or parent.is_dissolved:
                result.errors.append(
                    RowError(
                        row["row"], "上级组织编码", f"“{parent_code}”不在您的管理范围内或已撤销"
                    )
                )
            parent_type = parent.org_type
        elif parent_code:
            result.errors.append(
                RowError(
                    row["row"],
                    "上级组织编码",
                    f"找不到编码为“{parent_code}”的上级组织（须已存在或在本行之前）",
                )
            )
        if (
            parent_type
            and row["org_type"]
            and row["org_type"] not in ALLOWED_CHILDREN[OrgType(parent_type)]
        ):
            result.errors.append(
                RowError(
                    row["row"],
                    "组织类型",
                    f"{OrgType(parent_type).label}下不能设立{OrgType(row['org_type']).label}",
                )
            )
        type_in_file[row["code"]] = row["org_type"]
    result.errors.sort(
        key=lambda e: (
            e.row,
            [h for h, _ in COLUMNS].index(e.column) if e.column in HEADER_OF.values() else 99,
        )
    )


def _create_all(actor, rows: list[dict]) -> list[Org]:
    created: dict[str, Org] = {}
    parents = {o.code: o for o in Org.objects.filter(code__in={r["parent_code"] for r in rows})}
    for row in rows:
        parent = created.get(row["parent_code"]) or parents[row["parent_code"]]
        fields = {k: v for k, v in row.items() if k not in ("row", "parent_code")}
        created[row["code"]] = org_create(actor=actor, parent=parent, **fields)
    return list(created.values())
