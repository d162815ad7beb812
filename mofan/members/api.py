from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.api import ErrorOut, Page, paginate
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet, xlsx_response
from mofan.members import dues, excel, services
from mofan.members.models import Category, DuesCategory, Education, Sex, Status
from mofan.members.selectors import member_filter, member_get, member_list
from mofan.orgs.models import BRANCH_TYPES, Org
from mofan.orgs.selectors import org_get, orgs_under_roles

router = Router(tags=["党员"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    ethnicity: str
    id_number_masked: str
    birth_date: date
    native_place: str
    education: str
    category: str
    org_id: int
    party_group_id: int | None
    joined_on: date
    full_member_on: date | None
    work_unit: str
    post: str
    phone: str
    status: str
    is_hardship: bool
    dues_category: str
    dues_base: Decimal
    remarks: str


class MemberPage(Page):
    items: list[MemberOut]


class MemberIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., max_length=40)
    sex: Sex | None = None
    ethnicity: str = Field("汉族", max_length=20)
    birth_date: date | None = None
    native_place: str = Field("", max_length=50)
    education: Education | None = None
    category: Category
    org_id: int
    party_group_id: int | None = None
    joined_on: date
    full_member_on: date | None = None
    work_unit: str = Field("", max_length=100)
    post: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    is_hardship: bool = False
    dues_category: DuesCategory = DuesCategory.EMPLOYED
    dues_base: Decimal = Field(Decimal("0"), ge=0, max_digits=10, decimal_places=2)
    remarks: str = ""


class MemberPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    sex: Sex | None = None
    ethnicity: str | None = Field(None, max_length=20)
    birth_date: date | None = None
    native_place: str | None = Field(None, max_length=50)
    education: Education | None = None
    category: Category | None = None
    org_id: int | None = None
    party_group_id: int | None = None
    joined_on: date | None = None
    full_member_on: date | None = None
    work_unit: str | None = Field(None, max_length=100)
    post: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    is_hardship: bool | None = None
    dues_category: DuesCategory | None = None
    dues_base: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    remarks: str | None = None


class MemberFilters(Schema):
    q: str = ""
    org: int | None = None
    category: Category | None = None
    status: Status | None = None
    sex: Sex | None = None
    education: Education | None = None
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    joined_year: int | None = Field(None, ge=1921, le=2100)


class ListParams(MemberFilters):
    page: int = 1
    page_size: int = 50


class ImportRowError(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    dry_run: bool
    created: int
    updated: int


class ImportErrorsOut(Schema):
    detail: str
    errors: list[ImportRowError] = []  # empty when the request itself was wrong (no file)


def _filtered(request, filters: MemberFilters):
    org = org_get(actor=request.user, org_id=filters.org) if filters.org else None
    members = member_list(actor=request.user, include_history=bool(filters.status))
    return org, member_filter(
        members,
        today=timezone.localdate(),
        org=org,
        category=filters.category or "",
        status=filters.status or "",
        sex=filters.sex or "",
        education=filters.education or "",
        age_min=filters.age_min,
        age_max=filters.age_max,
        joined_year=filters.joined_year,
        text=filters.q,
    )


def _org_ref(request, org_id: int | None, field: str) -> Org | None:
    if org_id is None:
        return None
    try:
        return org_get(actor=request.user, org_id=org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field=field) from exc


TEXT_FIELDS = ("sex", "education", "native_place", "work_unit", "post", "phone", "remarks")


def _service_fields(request, payload: dict) -> dict:
    if "org_id" in payload:
        payload["org"] = _org_ref(request, payload.pop("org_id"), "org_id")
        if payload["org"] is None:
            raise ApplicationError("请指定所在支部", field="org_id")
    if "party_group_id" in payload:
        payload["party_group"] = _org_ref(request, payload.pop("party_group_id"), "party_group_id")
    for key in TEXT_FIELDS:  # null clears an optional text field
        if key in payload and payload[key] is None:
            payload[key] = ""
    return payload


MAX_DUES_BASE = Decimal("99999999.99")  # as Member.dues_base holds


class StandardOut(Schema):
    amount: str
    rate: str | None


@router.get(
    "/dues/standard",
    response={200: StandardOut, **ERRORS},
    summary="按党费类别和计算基数求月缴纳标准",
)
def dues_standard(request, category: str, base: Decimal):
    if base > MAX_DUES_BASE:
        raise ApplicationError(f"计算基数不能超过 {MAX_DUES_BASE} 元", field="base")
    standard = dues.dues_standard(dues.category_from_label(category), base)
    return {
        "amount": str(standard.amount),
        "rate": str(standard.rate) if standard.rate is not None else None,
    }


@router.get("/members", response={200: MemberPage, **ERRORS}, summary="党员列表（分页、筛选）")
def list_members(request, params: Query[ListParams]):
    _, members = _filtered(request, params)
    items, page = paginate(
        members.order_by("org__path", "name", "id"), params.page, params.page_size
    )
    return {**page, "items": items}


@router.post("/members", response={201: MemberOut, **ERRORS}, summary="录入党员")
def create_member(request, payload: MemberIn):
    fields = _service_fields(request, payload.dict())
    return HttpStatus(201, services.member_create(actor=request.user, **fields))


@router.get("/members/export", summary="导出党员名单（xlsx）", response={200: None, **ERRORS})
def export_members(request, filters: Query[MemberFilters]):
    org, members = _filtered(request, filters)
    title = f"{org.name if org else '党员'}花名册"
    audit(actor=request.user, action="member.export", target=org, detail="通过接口导出党员名单")
    return xlsx_response(
        excel.export_workbook(members.order_by("org__path", "name", "id"), title), f"{title}.xlsx"
    )


def _default_branch(request, org_id: int):
    branches = orgs_under_roles(actor=request.user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)
    branch = branches.filter(pk=org_id).first()
    if branch is None:
        raise ApplicationError("org_id 须为您可以维护党员信息的支部", field="org_id")
    return branch


@router.post(
    "/members/import",
    response={200: ImportOut, 400: ImportErrorsOut, 403: ErrorOut},
    summary="导入花名册（dry_run=true 只预览；有错误时 400 并列出每一处）",
)
def import_members(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    org_id: Form[int | None] = None,
):
    """`org_id`: the branch that rows without a 所在支部 go to (a branch's own roster)."""
    if not scope_of(request.user).records_anywhere:
        raise PermissionDenied("您没有维护党员信息的权限")
    if not is_spreadsheet(file.name):
        raise ApplicationError(SPREADSHEET_HINT, field="file")
    default_org = _default_branch(request, org_id) if org_id is not None else None
    checked = excel.check_roster(actor=request.user, upload=file, default_org=default_org)
    if not checked.ok:
        detail = checked.errors.summary()
        return HttpStatus(400, {"detail": detail, "errors": [e.__dict__ for e in checked.errors]})
    if dry_run:
        return {
            "dry_run": True,
            "created": len(checked.to_create),
            "updated": len(checked.to_update),
        }
    created, updated = excel.commit_roster(actor=request.user, checked=checked)
    return {"dry_run": False, "created": created, "updated": updated}


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="党员详情")
def get_member(request, member_id: int):
    return member_get(actor=request.user, member_id=member_id)


@router.patch("/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="修改党员信息")
def update_member(request, member_id: int, payload: MemberPatch):
    member = member_get(actor=request.user, member_id=member_id)
    fields = _service_fields(request, payload.dict(exclude_unset=True))
    return services.member_update(actor=request.user, member=member, **fields)
