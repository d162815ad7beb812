from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from mofan.appraisal import ballots, services
from mofan.appraisal.models import Grade
from mofan.appraisal.selectors import (
    reporter_list,
    round_figures,
    round_get,
    round_list,
    sees_results,
)
from mofan.core.api import ERRORS, Page, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.orgs.selectors import org_get

router = Router(tags=["述职评议"])
AppraisalGrade = named_enum("AppraisalGrade", Grade)


class RoundOut(Schema):
    id: int
    org_id: int
    year: int
    title: str
    meeting_on: date
    status: str
    closed_on: date | None


class RoundPage(Page):
    items: list[RoundOut]


class ReporterOut(Schema):
    id: int
    org_id: int
    org_name: str
    name: str
    has_report: bool
    presented: bool


class PanelOut(Schema):
    id: int
    identity: str
    label: str
    weight: Decimal
    raters: int


class RoundDetailOut(RoundOut):
    reporters: list[ReporterOut]
    panels: list[PanelOut]
    codes_issued: int
    ballots: int


class RoundIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field(..., min_length=1, max_length=100)
    meeting_on: date


class Filters(Schema):
    year: int | None = None
    page: int = 1
    page_size: int = 50


class ResultOut(Schema):
    reporter_id: int
    org_id: int
    org_name: str
    name: str
    good: int
    fair: int
    average: int
    poor: int
    good_share: Decimal
    score: Decimal
    rank: int
    comment: str
    final: bool


class RatingIn(Schema):
    reporter_id: int
    grade: AppraisalGrade
    comment: str = Field("", max_length=500)


class BallotIn(Schema):
    code: str = Field(..., max_length=40)
    ratings: list[RatingIn]


class BallotOut(Schema):
    detail: str


def _detail(actor, round_) -> dict:
    figures = round_figures(round_)
    reporters = [
        {
            "id": r.id,
            "org_id": r.org_id,
            "org_name": r.org.name,
            "name": r.name,
            "has_report": bool(r.report),
            "presented": r.presented,
        }
        for r in reporter_list(actor=actor, round_=round_)
    ]
    panels = [
        {
            "id": p.id,
            "identity": p.identity,
            "label": str(p),
            "weight": p.weight,
            "raters": p.raters,
        }
        for p in round_.panels.all()
    ]
    plain = {name: getattr(round_, name) for name in RoundOut.model_fields}
    return {
        **plain,
        "reporters": reporters,
        "panels": panels,
        "codes_issued": figures["issued"],
        "ballots": figures["raters"],
    }


@router.get("/appraisal/rounds", response={200: RoundPage, **ERRORS}, summary="述职评议")
def list_rounds(request, filters: Query[Filters]):
    found = round_list(actor=request.user)
    if filters.year is not None:
        found = found.filter(year=filters.year)
    items, page = paginate(found.order_by("-year", "-id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post("/appraisal/rounds", response={201: RoundOut, **ERRORS}, summary="开展述职评议")
def create_round(request, payload: RoundIn):
    try:
        org = org_get(actor=request.user, org_id=payload.org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field="org_id") from exc
    created = services.round_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
    return Status(201, created)


@router.get(
    "/appraisal/rounds/{round_id}",
    response={200: RoundDetailOut, **ERRORS},
    summary="述职评议及其述职人、评议人类别",
)
def get_round(request, round_id: int):
    return _detail(request.user, round_get(actor=request.user, round_id=round_id))


@router.post(
    "/appraisal/rounds/{round_id}/step",
    response={200: RoundOut, **ERRORS},
    summary="进入下一阶段（筹备 → 提交述职报告 → 评议投票 → 已结束并计票）",
)
def step_round(request, round_id: int):
    round_ = round_get(actor=request.user, round_id=round_id)
    return services.round_step(actor=request.user, round_=round_)


@router.get(
    "/appraisal/rounds/{round_id}/results",
    response={200: list[ResultOut], **ERRORS},
    summary="评议结果（结束前仅组织单位可看当前计票）",
)
def get_results(request, round_id: int):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not sees_results(request.user, round_):
        raise PermissionDenied("述职评议结束后才能查看结果")
    reporters = list(reporter_list(actor=request.user, round_=round_))
    final = round_.status == "closed"
    live = None if final else ballots.round_tally(round_)
    rows = []
    for r in reporters:
        if final:
            result = getattr(r, "result", None)
            if result is None:
                continue
            figures = {
                "good": result.good,
                "fair": result.fair,
                "average": result.average,
                "poor": result.poor,
                "good_share": result.good_share,
                "score": result.score,
                "rank": result.rank,
            }
        else:
            line = live[r.pk]
            figures = {
                **line.counts,
                "good_share": line.good_share,
                "score": line.score,
                "rank": line.rank,
            }
        rows.append(
            {
                "reporter_id": r.id,
                "org_id": r.org_id,
                "org_name": r.org.name,
                "name": r.name,
                "comment": r.comment,
                "final": final,
                **figures,
            }
        )
    return sorted(rows, key=lambda row: row["rank"])


@router.post(
    "/appraisal/ballots",
    response={201: BallotOut, **ERRORS},
    auth=None,
    summary="匿名投票（凭评议码，无需登录；每码限投一次）",
)
def cast_ballot(request, payload: BallotIn):
    grades = {r.reporter_id: r.grade.value for r in payload.ratings}
    comments = {r.reporter_id: r.comment for r in payload.ratings}
    ballots.ballot_cast(code=payload.code, grades=grades, comments=comments)
    return Status(201, {"detail": "投票成功"})
