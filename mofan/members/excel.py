"""Roster (花名册) import with preview, and export of any filtered list."""

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import (
    HEADER_SEARCH_ROWS,
    ErrorList,
    RowError,
    cell_text,
    first_sheet_rows,
    new_sheet,
    parse_date,
)
from mofan.members import crypto, idcard
from mofan.members.models import Category, DuesCategory, Education, Member, Sex, Status
from mofan.members.services import member_create, member_rule_check, member_update
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType

COLUMNS = [
    ("姓名", "name"),
    ("性别", "sex"),
    ("民族", "ethnicity"),
    ("公民身份号码", "id_number"),
    ("出生日期", "birth_date"),
    ("籍贯", "native_place"),
    ("学历", "education"),
    ("人员类别", "category"),
    ("所在支部", "org"),
    ("党小组", "party_group"),
    ("入党日期", "joined_on"),
    ("转正日期", "full_member_on"),
    ("工作单位", "work_unit"),
    ("职务", "post"),
    ("联系电话", "phone"),
    ("困难党员", "is_hardship"),
    ("党费类别", "dues_category"),
    ("党费基数", "dues_base"),
    ("备注", "remarks"),
]
HEADER_OF = {key: header for header, key in COLUMNS}
REQUIRED = ["name", "id_number", "category", "org", "joined_on"]
# The other names units give the columns, compared after `_header_key` (no whitespace, no
# `*`, no bracketed notes such as （必填） or (yyyy-mm-dd)).
HEADER_VARIANTS = {
    "id_number": ["身份证号", "身份证号码", "公民身份证号", "公民身份号码"],
    "org": ["所在党支部", "所属党支部", "党组织名称", "所在支部", "党支部", "支部"],
    "category": ["类别"],
    "joined_on": ["入党时间", "入党日期"],
    "full_member_on": ["转正时间", "转正日期"],
    "phone": ["手机", "手机号", "手机号码", "联系方式", "联系电话"],
    "education": ["文化程度", "学历", "全日制学历"],
}
ALIASES = {header: key for key, headers in HEADER_VARIANTS.items() for header in headers}
# The other values units write in the choice columns, by the value they stand for.
VALUE_VARIANTS = {
    "sex": {"男性": Sex.MALE, "女性": Sex.FEMALE},
    "education": {
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
    },
    "category": {"正式": Category.FULL, "预备": Category.PROBATIONARY},
}
CHOICE_LABELS = {
    "sex": Sex.choices,
    "education": Education.choices,
    "category": Category.choices,
    "dues_category": DuesCategory.choices,
}
CHOICES = {
    key: {label: value for value, label in choices} | VALUE_VARIANTS.get(key, {})
    for key, choices in CHOICE_LABELS.items()
}
DATES = ("birth_date", "joined_on", "full_member_on")
# Not checked per row in the preview: stored by the service, or already resolved in one query.
UNCHECKED_FIELDS = (
    "id_number_cipher",
    "id_number_hash",
    "id_number_masked",
    "photo",
    "org",
    "party_group",
)


# The export's columns after the name, as values read straight from the query (no model
# instances: 100,000 rows in a few seconds); the choice fields are shown by their labels.
EXPORT_VALUES = [
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "category",
    "org__name",
    "party_group__name",
    "joined_on",
    "full_member_on",
    "work_unit",
    "post",
    "phone",
    "is_hardship",
    "dues_category",
    "dues_base",
    "remarks",
    "id_number_masked",
    "status",
]
EXPORT_LABELS = {
    "sex": dict(Sex.choices),
    "education": dict(Education.choices),
    "category": dict(Category.choices),
    "dues_category": dict(DuesCategory.choices),
    "status": dict(Status.choices),
}


def export_workbook(members, title: str):
    workbook, sheet = new_sheet(
        title,
        [h for h, _ in COLUMNS if h != "公民身份号码"] + ["公民身份号码（脱敏）", "党籍状态"],
        "党员",
        streaming=True,
    )
    for values in members.values_list(*EXPORT_VALUES).iterator(chunk_size=2000):
        sheet.append(_export_cells(values))
    return workbook


def _export_cells(values: tuple) -> list:
    record = dict(zip(EXPORT_VALUES, values, strict=True))
    for key, labels in EXPORT_LABELS.items():
        record[key] = labels.get(record[key], record[key])
    record["party_group__name"] = record["party_group__name"] or ""
    record["is_hardship"] = "是" if record["is_hardship"] else ""
    return list(record.values())


def template_workbook():
    workbook, sheet = new_sheet(
        "党员花名册（带 * 为必填：姓名、公民身份号码、人员类别、所在支部、入党日期）",
        [h for h, _ in COLUMNS],
        "党员",
    )
    return workbook


@dataclass
class RosterRow:
    row: int
    data: dict
    existing: Member | None = None
    columns: frozenset[str] = frozenset()  # the keys of the columns the file has

    @property
    def changes(self) -> dict:
        """What an update writes: only the columns the file has (the number identifies)."""
        return {k: v for k, v in self.data.items() if k in self.columns and k != "id_number"}


@dataclass
class RosterImport:
    rows: list[RosterRow] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> list[RosterRow]:
        return [r for r in self.rows if r.existing is None]

    @property
    def to_update(self) -> list[RosterRow]:
        return [r for r in self.rows if r.existing is not None]


def _parse(row_number: int, raw: dict, errors: ErrorList) -> dict:
    def error(key, reason):
        errors.append(RowError(row_number, HEADER_OF[key], reason))

    data = {key: cell_text(raw.get(key)) for _, key in COLUMNS if key not in DATES}
    for key in REQUIRED:
        if key not in DATES and not data[key]:
            error(key, "必须填写")
    for key, mapping in CHOICES.items():
        if data[key] and data[key] not in mapping:
            labels = "、".join(label for _, label in CHOICE_LABELS[key])
            error(key, f"“{data[key]}”不是有效的值（{labels}）")
        data[key] = mapping.get(data[key], "")
    for key in DATES:
        try:
            data[key] = parse_date(_date_cell(raw.get(key)))
        except ValueError as exc:
            error(key, str(exc))
            data[key] = None
    if data["joined_on"] is None and not errors.has(row_number, "入党日期"):
        error("joined_on", "必须填写")
    if data["id_number"]:
        try:
            parsed = idcard.parse(data["id_number"])
            data["id_number"] = parsed.number
            if data["birth_date"] and data["birth_date"] != parsed.birth_date:
                error("birth_date", "出生日期与公民身份号码不一致")
            if data["sex"] and data["sex"] != parsed.sex:
                error("sex", "性别与公民身份号码不一致")
        except ValueError as exc:
            error("id_number", str(exc))
    try:
        data["dues_base"] = Decimal(data["dues_base"] or "0").quantize(Decimal("0.01"))
    except InvalidOperation:
        error("dues_base", "党费基数须为数字")
        data["dues_base"] = Decimal("0")
    data["is_hardship"] = data["is_hardship"] in {"是", "Y", "y", "1", "√"}
    data["dues_category"] = data["dues_category"] or DuesCategory.EMPLOYED
    data["ethnicity"] = data["ethnicity"] or "汉族"
    return data


def _date_cell(value):
    """A date cell as `parse_date` reads it: 20190701 typed as a number becomes its text, and
    blanks inside text (2019年 7月 1日) are dropped; real dates pass as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    return value


NOTES = re.compile(r"（[^）]*）|\([^)]*\)|【[^】]*】|\[[^\]]*\]|〔[^〕]*〕")


def _header_key(value) -> str:
    """A header cell as it is matched: no whitespace (full-width too), no `*`, no notes."""
    return NOTES.sub("", re.sub(r"[\s*＊]+", "", cell_text(value)))


WANTED = {_header_key(header): key for header, key in [*COLUMNS, *ALIASES.items()]}


def _read_roster(
    upload, required: list[str], limit: int | None = None
) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """Rows of the first sheet as (row number, {key: raw value}), and the file's own header
    for each key. The header row is the first (within the first 15) with every required
    column; rows above it (titles, merged group headings) are ignored. With `limit`, the
    first `limit` data rows only (the rest of the file is not read)."""
    with first_sheet_rows(upload) as rows:
        header_map = None
        for row_number, row in enumerate(rows, start=1):
            found = {}
            for i, value in enumerate(row):
                key = WANTED.get(_header_key(value))
                if key and key not in found.values():
                    found[i] = key
            if set(found.values()) >= set(required):
                header_map = found
                headers = {key: re.sub(r"\s+", "", cell_text(row[i])) for i, key in found.items()}
                break
            if row_number >= HEADER_SEARCH_ROWS:
                break
        if header_map is None:
            names = "、".join(HEADER_OF[key] for key in required)
            raise ApplicationError(f"没有找到表头行：表头须包含 {names}（列的顺序不限）")
        table = []
        for number, row in enumerate(rows, start=row_number + 1):
            values = {key: row[i] if i < len(row) else None for i, key in header_map.items()}
            if any(cell_text(v) != "" for v in values.values()):
                table.append((number, values))
                if limit is not None and len(table) >= limit:
                    break
    return table, headers


def check_roster(
    *, actor, upload, default_org: Org | None = None, progress=None, limit: int | None = None
) -> RosterImport:
    """Check every row (with `limit`, the first `limit` rows: the preview of a file the
    background job checks whole); rows without a branch go to `default_org` (a branch's own
    roster has no 所在支部 column). `progress(done, total)` is told as rows are checked (a job)."""
    result = RosterImport()
    required = [k for k in REQUIRED if k != "org"] if default_org else REQUIRED
    table, headers = _read_roster(upload, required, limit)
    if not table:
        raise ApplicationError("文件中没有数据行")
    seen: dict[str, int] = {}
    for row_number, raw in table:
        if default_org is not None and not cell_text(raw.get("org")):
            raw = {**raw, "org": default_org.code}
        data = _parse(row_number, raw, result.errors)
        number = data["id_number"]
        if number and number in seen:
            result.errors.append(
                RowError(row_number, "公民身份号码", f"与第 {seen[number]} 行重复")
            )
        seen.setdefault(number, row_number)
        result.rows.append(RosterRow(row_number, data, columns=frozenset(raw)))
    _resolve(actor, result, progress)
    result.errors.sort(
        key=lambda e: (
            e.row,
            list(HEADER_OF.values()).index(e.column) if e.column in HEADER_OF.values() else 99,
        )
    )
    # Each error is named by the column as the file heads it (身份证号码 rather than 公民身份号码).
    in_file = {HEADER_OF[key]: header for key, header in headers.items() if header}
    result.errors[:] = [
        RowError(e.row, in_file.get(e.column, e.column), e.reason) for e in result.errors
    ]
    return result


def _resolve(actor, result: RosterImport, progress=None) -> None:
    """Orgs by name or code within the actor's scope; existing members by keyed hash."""
    scope = scope_of(actor)
    orgs = list(
        Org.objects.filter(
            scope.visible_q(),
            dissolved_on__isnull=True,
            org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP],
        )
    )
    by_key = {}
    for org in orgs:
        by_key.setdefault(org.code, org)
        by_key.setdefault(org.name, org)
        if org.short_name:
            by_key.setdefault(org.short_name, org)
    hashes = {crypto.keyed_hash(r.data["id_number"]): r for r in result.rows if r.data["id_number"]}
    existing = Member.objects.select_related("org", "party_group").filter(id_number_hash__in=hashes)
    for member in existing:
        row = hashes[member.id_number_hash]
        if scope.sees(member.org.path):
            row.existing = member
        else:
            result.errors.append(
                RowError(row.row, "公民身份号码", "该号码已登记在系统中（不在您的管理范围内）")
            )
    for done, row in enumerate(result.rows, start=1):
        if progress is not None:
            progress(done, len(result.rows))
        data = row.data
        org = by_key.get(data["org"]) if data["org"] else None
        if data["org"] and (org is None or org.org_type not in BRANCH_TYPES):
            result.errors.append(
                RowError(row.row, "所在支部", f"找不到您管理范围内的支部“{data['org']}”")
            )
        elif org is not None and not scope.roles_over(org.path) & {
            "committee_admin",
            "unit_admin",
            "secretary",
        }:
            result.errors.append(
                RowError(row.row, "所在支部", f"您没有维护“{org.name}”党员信息的权限")
            )
        group = by_key.get(data["party_group"]) if data["party_group"] else None
        if data["party_group"] and (
            group is None or org is None or not group.path.startswith(org.path)
        ):
            result.errors.append(
                RowError(row.row, "党小组", f"“{data['party_group']}”不是该支部下的党小组")
            )
        data["org"], data["party_group"] = org, group
        if org is not None and not result.errors.has(row.row):
            _check_rules(row, result.errors)


def _check_rules(row: RosterRow, errors: list[RowError]) -> None:
    parsed = idcard.parse(row.data["id_number"])
    if row.existing is None:
        member = Member(**{k: v for k, v in row.data.items() if k != "id_number"})
    else:
        member = copy.copy(row.existing)
        for key, value in row.changes.items():
            setattr(member, key, value)
    member.birth_date = member.birth_date or parsed.birth_date
    member.sex = member.sex or parsed.sex
    try:
        member_rule_check(member)
        member.clean_fields(exclude=[*UNCHECKED_FIELDS])
    except ApplicationError as exc:
        errors.append(RowError(row.row, HEADER_OF.get(exc.field or "", "—"), exc.message))
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.append(RowError(row.row, HEADER_OF.get(key, "—"), messages[0]))


@transaction.atomic
def commit_roster(*, actor, checked: RosterImport, progress=None) -> tuple[int, int]:
    """`progress(done, total)` is told as rows are written (a job)."""
    if not checked.ok:
        raise ApplicationError("文件中有错误，未导入任何数据")
    created = updated = 0
    for done, row in enumerate(checked.rows, start=1):
        if progress is not None:
            progress(done, len(checked.rows))
        try:
            if row.existing is None:
                member_create(actor=actor, **row.data)
                created += 1
            else:
                member_update(actor=actor, member=row.existing, **row.changes)
                updated += 1
        except ApplicationError as exc:
            column = HEADER_OF.get(exc.field or "", "")
            raise ApplicationError(
                f"第 {row.row} 行{('“' + column + '”') if column else ''}：{exc.message}"
            ) from exc
    audit(
        actor=actor,
        action="member.import",
        detail=f"导入花名册：新增 {created} 人，更新 {updated} 人",
    )
    return created, updated
