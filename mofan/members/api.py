from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.api import ERRORS, ErrorOut, Page, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet, xlsx_response
from mofan.members import dues, excel, exports, services, tasks
from mofan.members.corrections import correction_accept, correction_propose, correction_reject
from mofan.members.logins import login_sheet_download, member_logins_create
from mofan.members.models import Category, Correction, DuesCategory, Education, Sex, Status
from mofan.members.selectors import (
    correction_get,
    correction_list,
    login_sheet_get,
    member_dues_overview,
    member_filter,
    member_get,
    member_list,
    members_without_login,
    my_member,
    pending_correction,
)
from mofan.orgs.models import BRANCH_TYPES, Org
from mofan.orgs.selectors import org_get, orgs_under_roles

MemberStatus = named_enum("MemberStatus", Status)
CorrectionStatus = named_enum("CorrectionStatus", Correction.Status)

router = Router(tags=["党员"])


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
    address: str
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
    address: str = Field("", max_length=200)
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
    address: str | None = Field(None, max_length=200)
    is_hardship: bool | None = None
    dues_category: DuesCategory | None = None
    dues_base: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    remarks: str | None = None


class MemberFilters(Schema):
    q: str = ""
    org: int | None = None
    category: Category | None = None
    status: MemberStatus | None = None
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


class JobAcceptedOut(Schema):
    job_id: int
    status_url: str


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


TEXT_FIELDS = (
    "sex",
    "education",
    "native_place",
    "work_unit",
    "post",
    "phone",
    "address",
    "remarks",
)


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
    if not scope_of(request.user).reads_roster_anywhere:
        raise PermissionDenied("党员只能查看本人的信息，不能导出党员名单")
    org, members = _filtered(request, filters)
    title = f"{org.name if org else '党员'}花名册"
    export = exports.roster_export(
        actor=request.user, org=org, members=members, title=title, detail="通过接口导出党员名单"
    )
    return xlsx_response(*export)


def _default_branch(request, org_id: int):
    branches = orgs_under_roles(actor=request.user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)
    branch = branches.filter(pk=org_id).first()
    if branch is None:
        raise ApplicationError("org_id 须为您可以维护党员信息的支部", field="org_id")
    return branch


def _is_large(file) -> bool:
    try:
        return tasks.roster_is_large(file)
    except ApplicationError:
        return False  # the usual path explains what is wrong with the file


@router.post(
    "/members/import",
    response={200: ImportOut, 400: ImportErrorsOut, 202: JobAcceptedOut, 403: ErrorOut},
    summary="导入花名册（dry_run=true 只预览；有错误时 400 并列出每一处）",
)
def import_members(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    org_id: Form[int | None] = None,
):
    """`org_id`: the branch that rows without a 所在支部 go to (a branch's own roster). A file
    with more rows than MOFAN_IMPORT_BACKGROUND_ROWS is imported by a background job: 202 with
    `job_id` and `status_url` (GET it for status, progress and the result)."""
    if not scope_of(request.user).records_anywhere:
        raise PermissionDenied("您没有维护党员信息的权限")
    if not is_spreadsheet(file.name):
        raise ApplicationError(SPREADSHEET_HINT, field="file")
    default_org = _default_branch(request, org_id) if org_id is not None else None
    if _is_large(file):
        job = tasks.roster_import_enqueue(
            actor=request.user, upload=file, default_org=default_org, dry_run=dry_run
        )
        return HttpStatus(202, {"job_id": job.pk, "status_url": f"/api/v1/jobs/{job.pk}"})
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


class PaymentOut(Schema):
    month: date
    due: Decimal
    paid: Decimal
    paid_on: date


class DuesOut(Schema):
    month: date
    due: Decimal | None
    paid_this_month: bool
    arrears_months: int
    payments: list[PaymentOut]


class CorrectionOut(Schema):
    id: int
    member_id: int
    phone: str
    address: str
    old_phone: str
    old_address: str
    note: str
    status: str
    reason: str


class MyRecordOut(Schema):
    member: MemberOut | None
    dues: DuesOut | None
    pending_correction: CorrectionOut | None


def _dues_out(overview) -> dict:
    row = overview.this_month
    return {
        "month": overview.month,
        "due": row.due if row else None,
        "paid_this_month": bool(row and row.payment),
        "arrears_months": row.arrears_months if row else 0,
        "payments": overview.payments,
    }


@router.get(
    "/members/me", response={200: MyRecordOut, **ERRORS}, summary="本人的党员记录、党费和更正申请"
)
def my_record(request):
    member = my_member(actor=request.user)
    if member is None:
        return {"member": None, "dues": None, "pending_correction": None}
    overview = member_dues_overview(member, timezone.localdate())
    return {
        "member": member,
        "dues": _dues_out(overview),
        "pending_correction": pending_correction(member),
    }


class CorrectionIn(Schema):
    phone: str = Field(..., max_length=20)
    address: str = Field(..., max_length=200)
    note: str = Field("", max_length=200)


@router.post(
    "/members/me/corrections",
    response={201: CorrectionOut, **ERRORS},
    summary="申请更正本人的联系电话和通讯地址（由支部采纳或不采纳）",
)
def propose_correction(request, payload: CorrectionIn):
    member = my_member(actor=request.user)
    if member is None:
        raise PermissionDenied("您的账号没有关联党员记录")
    return HttpStatus(201, correction_propose(actor=request.user, member=member, **payload.dict()))


class CorrectionPage(Page):
    items: list[CorrectionOut]


@router.get(
    "/members/corrections",
    response={200: CorrectionPage, **ERRORS},
    summary="信息更正申请（本人记录范围内）",
)
def list_corrections(
    request, status: CorrectionStatus | None = None, page: int = 1, page_size: int = 50
):
    records = correction_list(actor=request.user)
    if status:
        records = records.filter(status=status)
    items, meta = paginate(records, page, page_size)
    return {**meta, "items": items}


class RejectIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post(
    "/members/corrections/{correction_id}/accept",
    response={200: CorrectionOut, **ERRORS},
    summary="采纳更正申请（更新党员信息）",
)
def accept_correction(request, correction_id: int):
    correction = correction_get(actor=request.user, correction_id=correction_id)
    return correction_accept(actor=request.user, correction=correction)


@router.post(
    "/members/corrections/{correction_id}/reject",
    response={200: CorrectionOut, **ERRORS},
    summary="不采纳更正申请",
)
def reject_correction(request, correction_id: int, payload: RejectIn):
    correction = correction_get(actor=request.user, correction_id=correction_id)
    return correction_reject(actor=request.user, correction=correction, reason=payload.reason)


class LoginsIn(Schema):
    org_id: int | None = None
    member_ids: list[int] | None = Field(None, max_length=500)


class SkippedOut(Schema):
    member_id: int
    name: str
    reason: str


class LoginSheetOut(Schema):
    id: int
    org_id: int | None
    created_count: int
    skipped: list[SkippedOut]
    downloadable: bool


def _sheet_out(sheet) -> dict:
    return {
        "id": sheet.id,
        "org_id": sheet.org_id,
        "created_count": sheet.created_count,
        "skipped": sheet.skipped,
        "downloadable": sheet.is_downloadable,
    }


@router.post(
    "/members/logins",
    response={201: LoginSheetOut, **ERRORS},
    summary="为一个支部（org_id）或所选党员（member_ids）批量开通账号；已有账号的跳过并列出",
)
def create_logins(request, payload: LoginsIn):
    if not scope_of(request.user).records_anywhere:
        raise PermissionDenied("您没有为党员开通账号的权限")
    if (payload.org_id is None) == (payload.member_ids is None):
        raise ApplicationError("请指定 org_id（一个支部）或 member_ids（所选党员）之一")
    org = org_get(actor=request.user, org_id=payload.org_id) if payload.org_id else None
    if org is not None and not scope_of(request.user).can_record(org.path):
        raise PermissionDenied("您不能为该组织的党员开通账号")
    members = list(
        members_without_login(actor=request.user, org=org, member_ids=payload.member_ids)
    )
    if payload.member_ids is not None and not members:
        raise Http404("未找到所选党员")
    sheet = member_logins_create(actor=request.user, members=members, org=org)
    return HttpStatus(201, _sheet_out(sheet))


@router.post(
    "/members/logins/{sheet_id}/download",
    response={200: None, **ERRORS},
    summary="下载账号和初始密码（xlsx，只能下载一次，只有开通人可以下载）",
)
def download_logins(request, sheet_id: int):
    sheet = login_sheet_get(actor=request.user, sheet_id=sheet_id)
    return xlsx_response(*login_sheet_download(actor=request.user, sheet=sheet))


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="党员详情")
def get_member(request, member_id: int):
    return member_get(actor=request.user, member_id=member_id)


@router.patch("/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="修改党员信息")
def update_member(request, member_id: int, payload: MemberPatch):
    member = member_get(actor=request.user, member_id=member_id)
    fields = _service_fields(request, payload.dict(exclude_unset=True))
    return services.member_update(actor=request.user, member=member, **fields)
