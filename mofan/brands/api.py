"""四强党支部 and 党建品牌 over the API: calls, applications and brands with their steps, and
the showcase. Same scope as the pages: 404 outside the user's reach, 403 for a step the user
may not take, 400 with the Chinese message for a rule broken."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from mofan.brands.models import CRITERIA
from mofan.brands.models import Status as Step
from mofan.brands.prerequisites import from_stored, prerequisites
from mofan.brands.selectors import (
    application_get,
    application_list,
    brand_get,
    brand_list,
    call_get,
    call_list,
    showcase,
)
from mofan.brands.services import brands as brand_services
from mofan.brands.services import four_strong
from mofan.brands.steps import APPLICATION_STEPS, BRAND_STEPS
from mofan.core.api import ERRORS, Page, paginate
from mofan.core.errors import ApplicationError
from mofan.orgs.selectors import org_get

router = Router(tags=["四强党支部与党建品牌"])


class CallOut(Schema):
    id: int
    org_id: int
    year: int
    title: str
    criteria: list[dict]
    min_compliance: Decimal
    require_checklist: bool
    negative_items: list[str]
    deadline: date | None
    status: str


class CallPage(Page):
    items: list[CallOut]


class CallIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field("", max_length=100)
    criteria: dict[str, str] = Field({}, description=f"标准文字，键为：{'、'.join(CRITERIA)}")
    min_compliance: Decimal = Field(Decimal(90), ge=0, le=100, max_digits=4, decimal_places=1)
    require_checklist: bool = True
    negative_list: str = Field("", max_length=5000)
    deadline: date | None = None


class PrerequisiteOut(Schema):
    label: str
    fact_code: str
    value: str
    met: bool | None


class ApplicationOut(Schema):
    id: int
    call_id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    year: int = Field(..., alias="call.year")
    status: str
    self_evaluation: dict
    negative_confirmed: bool
    submitted_on: date | None
    unit_note: str
    reason: str
    recognised_on: date | None
    revoked_on: date | None
    revoke_reason: str


class ApplicationDetailOut(ApplicationOut):
    prerequisites: list[PrerequisiteOut]


class ApplicationPage(Page):
    items: list[ApplicationOut]


class ApplicationIn(Schema):
    call_id: int
    org_id: int
    self_evaluation: dict[str, str] = {}
    negative_confirmed: bool = False


class StepIn(Schema):
    action: str = Field(
        ..., description="submit / unit_pass / return / recognise / reject / recheck / revoke"
    )
    reason: str = Field("", max_length=500)
    year: int | None = Field(None, ge=2000, le=2100, description="复核年度（recheck）")


class BrandOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    name: str
    slogan: str
    description: str
    measures: str
    results: str
    status: str
    submitted_on: date | None
    batch: str | None
    recognised_on: date | None
    reason: str
    revoke_reason: str

    @staticmethod
    def resolve_batch(obj):
        return str(obj.batch) if obj.batch_id else None


class BrandPage(Page):
    items: list[BrandOut]


class BrandIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=60)
    slogan: str = Field("", max_length=100)
    description: str = Field(..., min_length=1, max_length=5000)
    measures: str = Field(..., min_length=1, max_length=5000)
    results: str = Field(..., min_length=1, max_length=5000)


class BrandStepIn(Schema):
    action: str = Field(..., description="submit / unit_pass / return / reject / revoke")
    reason: str = Field("", max_length=500)


class Filters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    status: str = ""
    page: int = 1
    page_size: int = 50


def _org(request, org_id: int):
    try:
        return org_get(actor=request.user, org_id=org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field="org_id") from exc


@router.get("/brands/calls", response={200: CallPage, **ERRORS}, summary="四强党支部创建申报")
def list_calls(request, filters: Query[Filters]):
    calls = call_list(actor=request.user)
    if filters.year is not None:
        calls = calls.filter(year=filters.year)
    items, page = paginate(calls.order_by("-year", "-id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post("/brands/calls", response={201: CallOut, **ERRORS}, summary="发起年度申报")
def create_call(request, payload: CallIn):
    org = _org(request, payload.org_id)
    call = four_strong.call_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
    return Status(201, call)


@router.get(
    "/brands/applications", response={200: ApplicationPage, **ERRORS}, summary="四强党支部申报"
)
def list_applications(request, filters: Query[Filters]):
    found = application_list(actor=request.user)
    if filters.year is not None:
        found = found.filter(call__year=filters.year)
    if filters.status:
        found = found.filter(status=filters.status)
    items, page = paginate(found.order_by("org__path", "id"), filters.page, filters.page_size)
    return {**page, "items": items}


def _detail(application) -> dict:
    if application.status in (Step.DRAFT, Step.RETURNED):
        found = prerequisites(application.call, application.org)
    else:
        found = from_stored(application.prerequisites)
    own = set(ApplicationOut.model_fields) - {"org_name", "year"}
    plain = {name: getattr(application, name) for name in own}
    plain.update({"org.name": application.org.name, "call.year": application.call.year})
    return {**plain, "prerequisites": [p.as_dict() for p in found]}


@router.get(
    "/brands/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="四强党支部申报及其前置条件",
)
def get_application(request, application_id: int):
    return _detail(application_get(actor=request.user, application_id=application_id))


@router.post(
    "/brands/applications",
    response={201: ApplicationDetailOut, **ERRORS},
    summary="填写申报（草稿）",
)
def create_application(request, payload: ApplicationIn):
    try:
        call = call_get(actor=request.user, call_id=payload.call_id)
    except Http404 as exc:
        raise ApplicationError("申报不存在", field="call_id") from exc
    application = four_strong.application_create(
        actor=request.user,
        call=call,
        org=_org(request, payload.org_id),
        self_evaluation=payload.self_evaluation,
        negative_confirmed=payload.negative_confirmed,
    )
    return Status(201, _detail(application))


def _take_step(request, item, steps: dict, action: str, reason: str, year: int = 0) -> None:
    step = steps.get(action)
    if step is None:
        raise ApplicationError("未知的操作", field="action")
    step(request.user, item, reason, year)


@router.post(
    "/brands/applications/{application_id}/steps",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="办理申报：提交、单位审核、退回、认定、不予认定、复核、撤销",
)
def application_step(request, application_id: int, payload: StepIn):
    application = application_get(actor=request.user, application_id=application_id)
    action, reason, year = payload.action, payload.reason, payload.year or 0
    _take_step(request, application, APPLICATION_STEPS, action, reason, year)
    return _detail(application_get(actor=request.user, application_id=application_id))


@router.get("/brands/brands", response={200: BrandPage, **ERRORS}, summary="党建品牌申报")
def list_brands(request, filters: Query[Filters]):
    found = brand_list(actor=request.user)
    if filters.year is not None:
        found = found.filter(submitted_on__year=filters.year)
    if filters.status:
        found = found.filter(status=filters.status)
    items, page = paginate(found.order_by("org__path", "id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post("/brands/brands", response={201: BrandOut, **ERRORS}, summary="申报党建品牌（草稿）")
def create_brand(request, payload: BrandIn):
    org = _org(request, payload.org_id)
    brand = brand_services.brand_create(
        actor=request.user, org=org, **payload.dict(exclude={"org_id"})
    )
    return Status(201, brand)


@router.get("/brands/brands/{brand_id}", response={200: BrandOut, **ERRORS}, summary="党建品牌")
def get_brand(request, brand_id: int):
    return brand_get(actor=request.user, brand_id=brand_id)


@router.post(
    "/brands/brands/{brand_id}/steps",
    response={200: BrandOut, **ERRORS},
    summary="办理品牌申报：提交、单位审核、退回、不予认定、撤销（认定按批次，见页面）",
)
def brand_step(request, brand_id: int, payload: BrandStepIn):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    _take_step(request, brand, BRAND_STEPS, payload.action, payload.reason)
    return brand_get(actor=request.user, brand_id=brand_id)


class BatchIn(Schema):
    org_id: int
    brand_ids: list[int] = Field(..., min_length=1, max_length=500)
    decided_on: date
    note: str = Field(..., max_length=500)


class BatchOut(Schema):
    id: int
    number: int
    name: str
    decided_on: date
    note: str
    brand_ids: list[int]


@router.post(
    "/brands/batches", response={201: BatchOut, **ERRORS}, summary="认定一批党建品牌（第一批 …）"
)
def create_batch(request, payload: BatchIn):
    org = _org(request, payload.org_id)
    chosen = list(brand_list(actor=request.user).filter(pk__in=payload.brand_ids))
    if len(chosen) != len(set(payload.brand_ids)):
        raise ApplicationError("所选品牌不存在", field="brand_ids")
    batch = brand_services.batch_create(
        actor=request.user, org=org, brands=chosen, decided_on=payload.decided_on, note=payload.note
    )
    return Status(
        201,
        {
            "id": batch.id,
            "number": batch.number,
            "name": str(batch),
            "decided_on": batch.decided_on,
            "note": batch.note,
            "brand_ids": sorted(b.pk for b in chosen),
        },
    )


@router.get("/brands/showcase", response={200: list[BrandOut], **ERRORS}, summary="党建品牌展示")
def get_showcase(request):
    return list(showcase(actor=request.user))
