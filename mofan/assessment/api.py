from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from mofan.assessment import compute, excel, exports, rounds, services, submissions
from mofan.assessment.models import RoundKind, RoundStatus, Target
from mofan.assessment.selectors import (
    indicator_get,
    participant_get,
    participants_seen,
    round_get,
    round_list,
    scheme_get,
    scheme_list,
    scheme_with_indicators,
)
from mofan.core.access import scope_of
from mofan.core.api import ERRORS, Page, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.orgs.selectors import org_get

router = Router(tags=["考核评价"])
SchemeTarget = named_enum("SchemeTarget", Target)
AssessmentRoundKind = named_enum("AssessmentRoundKind", RoundKind)


class IndicatorOut(Schema):
    id: int
    parent_id: int | None
    name: str
    max_points: Decimal
    rule: str
    fact_code: str
    params: dict
    guidance: str
    evidence: str


class GradeOut(Schema):
    label: str
    at_least: Decimal


class SchemeOut(Schema):
    id: int
    org_id: int
    name: str
    year: int
    target: str
    status: str
    version: int
    bonus_cap: Decimal


class SchemeDetailOut(SchemeOut):
    indicators: list[IndicatorOut]
    grades: list[GradeOut]


class SchemePage(Page):
    items: list[SchemeOut]


class SchemeIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=100)
    year: int = Field(..., ge=2000, le=2100)
    target: SchemeTarget = SchemeTarget.UNITS
    bonus_cap: Decimal = Field(Decimal(0), ge=0, max_digits=6, decimal_places=2)
    description: str = ""


class IndicatorIn(Schema):
    parent_id: int | None = None
    name: str = Field(..., min_length=1, max_length=200)
    max_points: Decimal = Field(..., ge=0, max_digits=6, decimal_places=2)
    rule: str = ""
    fact_code: str = ""
    params: dict = {}
    guidance: str = ""
    evidence: str = ""


class GradeIn(Schema):
    label: str = Field(..., max_length=20)
    at_least: Decimal = Field(..., ge=0, max_digits=6, decimal_places=2)


class Filters(Schema):
    year: int | None = None
    page: int = 1
    page_size: int = 50


class RoundOut(Schema):
    id: int
    scheme_id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    status: str
    self_deadline: date | None
    as_of: date | None
    annual_weight: Decimal
    supervision_weight: Decimal


class RoundPage(Page):
    items: list[RoundOut]


class RoundIn(Schema):
    scheme_id: int
    name: str = Field(..., min_length=1, max_length=100)
    kind: AssessmentRoundKind
    starts_on: date
    ends_on: date
    self_deadline: date | None = None
    annual_weight: Decimal | None = Field(None, description="三年总评：三个年度合计权重（%）")
    supervision_weight: Decimal | None = Field(None, description="三年总评：日常监督权重（%）")


class ItemScoreOut(Schema):
    indicator_id: int
    rule: str
    points: Decimal
    value: Decimal | None
    source: str
    pending: bool
    adjusted: bool
    vetoes: bool


class UnitResultOut(Schema):
    org_id: int
    org_name: str
    category: str
    total: Decimal
    bonus: Decimal
    grade: str
    rank: int
    vetoed: bool
    items: list[ItemScoreOut]
    years: dict[str, Decimal | None] = Field(
        default_factory=dict, description="三年总评：各年度定档得分（折合百分制）"
    )
    supervision: Decimal | None = Field(None, description="三年总评：日常监督平均（百分制）")


class EntryOut(Schema):
    org_id: int
    indicator_id: int
    self_points: Decimal | None
    self_note: str
    review_points: Decimal | None
    approved_items: int | None
    review_reason: str


class ResultsFilters(Schema):
    org: int | None = None


class ScoreIn(Schema):
    org_id: int
    indicator_id: int
    points: str = Field("", max_length=10)
    note: str = Field("", max_length=2000)


class ReviewIn(Schema):
    org_id: int
    indicator_id: int
    points: str = Field(..., max_length=10)
    reason: str = Field("", max_length=500)


def _org(request, org_id: int, field: str):
    try:
        return org_get(actor=request.user, org_id=org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field=field) from exc


def _detail(scheme) -> dict:
    indicators = [i for area in scheme.areas for i in (area, *area.children.all())]
    plain = {name: getattr(scheme, name) for name in SchemeOut.model_fields}
    return {**plain, "indicators": indicators, "grades": list(scheme.grades.all())}


@router.get("/assessment/schemes", response={200: SchemePage, **ERRORS}, summary="考核方案")
def list_schemes(request, filters: Query[Filters]):
    schemes = scheme_list(actor=request.user)
    if filters.year is not None:
        schemes = schemes.filter(year=filters.year)
    items, page = paginate(
        schemes.order_by("-year", "name", "-version"), filters.page, filters.page_size
    )
    return {**page, "items": items}


@router.post(
    "/assessment/schemes", response={201: SchemeOut, **ERRORS}, summary="新建考核方案（草稿）"
)
def create_scheme(request, payload: SchemeIn):
    org = _org(request, payload.org_id, "org_id")
    scheme = services.scheme_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
    return Status(201, scheme)


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class SchemeImportErrorsOut(Schema):
    detail: str
    errors: list[RowErrorOut] = []


class SchemeImportIn(Schema):
    org_id: int = Field(gt=0, le=2**62)
    name: str = Field("", max_length=100)
    year: int | None = Field(None, ge=2000, le=2100)


class SchemeImportOut(SchemeOut):
    items: int


@router.post(
    "/assessment/schemes/import",
    response={**ERRORS, 201: SchemeImportOut, 400: SchemeImportErrorsOut},
    summary="从 Excel 导入考核方案（新建草稿；有错误时 400 并列出每一处，不导入任何内容）",
)
def import_scheme(request, file: File[UploadedFile], form: Form[SchemeImportIn]):
    """The workbook in the shape `GET …/export` gives (序号 / 一级指标 / 具体指标 / 分值 / 计分方式 …);
    the name and year default to the file's title row."""
    org = _org(request, form.org_id, "org_id")
    found = excel.scheme_import(
        actor=request.user, upload=file, org=org, name=form.name, year=form.year
    )
    if not found.ok:
        detail = found.errors.summary("未导入任何指标")
        return Status(400, {"detail": detail, "errors": [e.__dict__ for e in found.errors]})
    plain = {name: getattr(found.scheme, name) for name in SchemeOut.model_fields}
    return Status(201, {**plain, "items": found.item_count})


@router.get(
    "/assessment/schemes/{scheme_id}",
    response={200: SchemeDetailOut, **ERRORS},
    summary="考核方案及其指标、等次",
)
def get_scheme(request, scheme_id: int):
    return _detail(scheme_with_indicators(actor=request.user, scheme_id=scheme_id))


@router.post(
    "/assessment/schemes/{scheme_id}/indicators",
    response={201: IndicatorOut, **ERRORS},
    summary="增加一级指标（不给 parent_id）或具体指标",
)
def add_indicator(request, scheme_id: int, payload: IndicatorIn):
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    parent = None
    if payload.parent_id is not None:
        try:
            parent = indicator_get(actor=request.user, indicator_id=payload.parent_id)
        except Http404 as exc:
            raise ApplicationError("所属领域不存在", field="parent_id") from exc
    indicator = services.indicator_add(
        actor=request.user, scheme=scheme, parent=parent, **payload.dict(exclude={"parent_id"})
    )
    return Status(201, indicator)


@router.put(
    "/assessment/schemes/{scheme_id}/grades",
    response={200: list[GradeOut], **ERRORS},
    summary="设置考核等次（整体替换）",
)
def set_grades(request, scheme_id: int, payload: list[GradeIn]):
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    return services.grades_set(
        actor=request.user, scheme=scheme, grades=[(g.label, g.at_least) for g in payload]
    )


@router.post(
    "/assessment/schemes/{scheme_id}/publish",
    response={200: SchemeOut, **ERRORS},
    summary="发布考核方案",
)
def publish_scheme(request, scheme_id: int):
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    return services.scheme_publish(actor=request.user, scheme=scheme)


@router.get("/assessment/rounds", response={200: RoundPage, **ERRORS}, summary="考核")
def list_rounds(request, filters: Query[Filters]):
    found = round_list(actor=request.user)
    if filters.year is not None:
        found = found.filter(ends_on__year=filters.year)
    items, page = paginate(found.order_by("-ends_on", "id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post(
    "/assessment/rounds", response={201: RoundOut, **ERRORS}, summary="按已发布的方案建立考核"
)
def create_round(request, payload: RoundIn):
    try:
        scheme = scheme_get(actor=request.user, scheme_id=payload.scheme_id)
    except Http404 as exc:
        raise ApplicationError("考核方案不存在", field="scheme_id") from exc
    created = rounds.round_create(
        actor=request.user, scheme=scheme, **payload.dict(exclude={"scheme_id"})
    )
    return Status(201, created)


@router.post(
    "/assessment/rounds/{round_id}/step",
    response={200: RoundOut, **ERRORS},
    summary="推进考核：发布 → 评审 → 公示 → 定档",
)
def step_round(request, round_id: int):
    round_ = round_get(actor=request.user, round_id=round_id)
    if round_.status == "draft":
        rounds.round_open(actor=request.user, round_=round_)
        round_.refresh_from_db()
        return round_
    return rounds.round_advance(actor=request.user, round_=round_)


@router.get(
    "/assessment/rounds/{round_id}/results",
    response={200: list[UnitResultOut], **ERRORS},
    summary="考核结果：每个单位每项指标的计分方式、原始数据、来源和得分",
)
def round_results(request, round_id: int, filters: Query[ResultsFilters]):
    round_ = round_get(actor=request.user, round_id=round_id)
    if filters.org is not None:
        seen = {participant_get(actor=request.user, round_=round_, org_id=filters.org).org_id}
    else:
        seen = set(
            participants_seen(actor=request.user, round_=round_).values_list("org_id", flat=True)
        )
    rules = dict(round_.scheme.indicators.values_list("id", "rule"))
    return [
        {
            **{
                k: getattr(r, k)
                for k in (
                    "org_id",
                    "org_name",
                    "category",
                    "total",
                    "bonus",
                    "grade",
                    "rank",
                    "vetoed",
                )
            },
            "items": [{**s.__dict__, "rule": rules[i]} for i, s in r.items.items()],
            "years": {str(year): v for year, v in getattr(r, "years", {}).items()},
            "supervision": getattr(r, "supervision", None),
        }
        for r in compute.results(round_)
        if r.org_id in seen
    ]


def _target(request, round_, org_id: int, indicator_id: int):
    org = participant_get(actor=request.user, round_=round_, org_id=org_id).org
    try:
        indicator = indicator_get(actor=request.user, indicator_id=indicator_id)
    except Http404 as exc:
        raise ApplicationError("指标不存在", field="indicator_id") from exc
    return org, indicator


@router.post(
    "/assessment/rounds/{round_id}/self",
    response={200: EntryOut, **ERRORS},
    summary="单位自评（评审打分项的自评分和任一指标的说明）",
)
def self_assess(request, round_id: int, payload: ScoreIn):
    round_ = round_get(actor=request.user, round_id=round_id)
    org, indicator = _target(request, round_, payload.org_id, payload.indicator_id)
    entry = rounds.self_assess(
        actor=request.user,
        round_=round_,
        org=org,
        indicator=indicator,
        points=payload.points or None,
        note=payload.note,
    )
    return entry


class SubmitIn(Schema):
    org_id: int


class SubmissionOut(Schema):
    org_id: int
    submitted_at: datetime | None


@router.post(
    "/assessment/rounds/{round_id}/submit",
    response={200: SubmissionOut, **ERRORS},
    summary="单位提交本期自评（日常监督按自评截止日核对是否按期报送）",
)
def submit(request, round_id: int, payload: SubmitIn):
    round_ = round_get(actor=request.user, round_id=round_id)
    org = participant_get(actor=request.user, round_=round_, org_id=payload.org_id).org
    return submissions.self_submit(actor=request.user, round_=round_, org=org)


@router.post(
    "/assessment/rounds/{round_id}/review",
    response={200: EntryOut, **ERRORS},
    summary="评审打分（加分项为认定项数）",
)
def review(request, round_id: int, payload: ReviewIn):
    round_ = round_get(actor=request.user, round_id=round_id)
    org, indicator = _target(request, round_, payload.org_id, payload.indicator_id)
    entry = rounds.review_score(
        actor=request.user,
        round_=round_,
        org=org,
        indicator=indicator,
        points=payload.points,
        reason=payload.reason,
    )
    return entry


@router.get(
    "/assessment/rounds/{round_id}/export",
    response={200: None, **ERRORS},
    summary="导出考核得分表（Excel，按领域分组的表头）",
)
def export_round(request, round_id: int):
    round_ = round_get(actor=request.user, round_id=round_id)
    runs = scope_of(request.user).can_admin(round_.scheme.org.path)
    if not runs and round_.status not in (RoundStatus.PRELIMINARY, RoundStatus.FINAL):
        raise PermissionDenied("初步结果公示后才能导出得分表")
    export = exports.round_export(actor=request.user, round_=round_)
    return xlsx_response(export.workbook, export.filename)
