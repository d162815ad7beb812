from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from mofan.core.api import ERRORS, LocalTime, Page, TimeOfDay, api, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.core.periods import span_of
from mofan.meetings import elections, services
from mofan.meetings.appraisal import appraisal_summary
from mofan.meetings.compliance import (
    ORG_ROW_FIELDS,
    STATUS_LABELS,
    OrgRow,
    compliance_totals,
)
from mofan.meetings.models import MAX_HOURS, Attendance, Kind, MeetingStatus
from mofan.meetings.selectors import (
    appraisal_round_list,
    meeting_filter,
    meeting_get,
    meeting_list,
    with_attendance,
)
from mofan.orgs.selectors import org_get, org_list

MeetingKind = named_enum("MeetingKind", Kind)
MeetingStatusName = named_enum("MeetingStatus", MeetingStatus)
AttendanceStatus = named_enum("AttendanceStatus", Attendance.Status)

router = Router(tags=["组织生活"])
CLEARABLE = {"held_time", "duration_hours", "votes_for"}
KIND_LABELS = {kind.value: str(kind.label) for kind in Kind}


class AttendanceOut(Schema):
    member_id: int
    member_name: str = Field(..., alias="member.name")
    status: str
    reason: str
    can_vote: bool


class MeetingOut(Schema):
    id: int
    kind: str
    org_id: int
    topic: str
    planned_on: date
    held_on: date | None
    held_time: TimeOfDay | None
    duration_hours: Decimal | None
    place: str
    first_topic: bool
    first_topic_title: str
    host: str
    recorder: str
    lecturer: str
    votes: bool
    votes_for: int | None
    minutes: str
    decisions: str
    status: str
    cancel_reason: str


class MeetingDetail(MeetingOut):
    attendance: list[AttendanceOut]


class MeetingPage(Page):
    items: list[MeetingOut]


class MeetingFilters(Schema):
    org: int | None = None
    kind: MeetingKind | None = None
    status: MeetingStatusName | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    page_size: int = 50


class AttendanceIn(Schema):
    member_id: int
    status: AttendanceStatus
    reason: str = Field("", max_length=100)


class MeetingIn(Schema):
    org_id: int
    kind: MeetingKind
    topic: str = Field(..., min_length=1, max_length=200)
    planned_on: date | None = None
    held_on: date | None = None
    held_time: LocalTime | None = None
    duration_hours: Decimal | None = Field(None, gt=0, le=MAX_HOURS, decimal_places=1)
    place: str = Field("", max_length=100)
    first_topic: bool = False
    first_topic_title: str = Field("", max_length=200)
    host: str = Field("", max_length=50)
    recorder: str = Field("", max_length=50)
    lecturer: str = Field("", max_length=50)
    votes: bool = False
    votes_for: int | None = Field(None, ge=0)
    minutes: str = ""
    decisions: str = ""
    attendance: list[AttendanceIn] | None = None


class MeetingPatch(Schema):
    topic: str | None = Field(None, min_length=1, max_length=200)
    planned_on: date | None = None
    held_on: date | None = None
    held_time: LocalTime | None = None
    duration_hours: Decimal | None = Field(None, gt=0, le=MAX_HOURS, decimal_places=1)
    place: str | None = Field(None, max_length=100)
    first_topic: bool | None = None
    first_topic_title: str | None = Field(None, max_length=200)
    host: str | None = Field(None, max_length=50)
    recorder: str | None = Field(None, max_length=50)
    lecturer: str | None = Field(None, max_length=50)
    votes: bool | None = None
    votes_for: int | None = Field(None, ge=0)
    minutes: str | None = None
    decisions: str | None = None


class ComplianceLine(Schema):
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    required: int
    held: int
    status: str
    status_label: str


class AppraisalOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    closed: bool
    grades: dict[str, int]


class TermOut(Schema):
    org_id: int
    org_name: str
    term_start: date | None
    term_end: date
    days_left: int


def _detail(meeting):
    return with_attendance(meeting)


def _rows(payload) -> list[services.AttendanceRow] | None:
    if payload is None:
        return None
    return [services.AttendanceRow(a.member_id, a.status, a.reason) for a in payload]


@router.get(
    "/meetings", response={200: MeetingPage, **ERRORS}, summary="组织生活记录（分页、筛选）"
)
def list_meetings(request, filters: Query[MeetingFilters]):
    org = org_get(actor=request.user, org_id=filters.org) if filters.org else None
    meetings = meeting_filter(
        meeting_list(actor=request.user),
        org=org,
        kind=filters.kind or "",
        status=filters.status or "",
        since=filters.since,
        until=filters.until,
    )
    items, page = paginate(meetings.order_by("-planned_on", "-id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post(
    "/meetings",
    response={201: MeetingDetail, **ERRORS},
    summary="计划或记录一次会议（给出 held_on 即为已召开）",
)
def create_meeting(request, payload: MeetingIn):
    try:
        org = org_get(actor=request.user, org_id=payload.org_id)
    except Http404 as exc:
        raise ApplicationError("组织不存在", field="org_id") from exc
    data = payload.dict(exclude={"org_id", "attendance"})
    attendance = _rows(payload.attendance)
    if data["held_on"]:
        meeting = services.meeting_create_held(
            actor=request.user, org=org, attendance=attendance, **data
        )
    else:
        if not data["planned_on"]:
            raise ApplicationError(
                "请填写计划日期 planned_on 或召开日期 held_on", field="planned_on"
            )
        data.pop("held_on")
        meeting = services.meeting_plan(actor=request.user, org=org, **data)
    return Status(201, _detail(meeting))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **ERRORS},
    summary="会议详情（含出席情况）",
)
def get_meeting(request, meeting_id: int):
    return _detail(meeting_get(actor=request.user, meeting_id=meeting_id))


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **ERRORS},
    summary="修改计划、记录为已召开（给出 held_on）或更正记录",
)
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    # null clears only what may be empty; for any other field it means "leave as it is"
    data = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in CLEARABLE
    }
    if meeting.status == MeetingStatus.PLANNED and data.get("held_on"):
        return _detail(services.meeting_record(actor=request.user, meeting=meeting, **data))
    return _detail(services.meeting_update(actor=request.user, meeting=meeting, **data))


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingDetail, **ERRORS},
    summary="替换出席情况",
)
def put_attendance(request, meeting_id: int, payload: list[AttendanceIn]):
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    return _detail(
        services.meeting_update(actor=request.user, meeting=meeting, attendance=_rows(payload))
    )


@router.get(
    "/compliance",
    response={200: list[ComplianceLine], **ERRORS},
    summary="组织生活完成情况：每个组织、每类会议的应开、已开与状态",
)
def get_compliance(
    request, org: int, year: int, quarter: int | None = None, month: int | None = None
):
    if quarter is not None and not 1 <= quarter <= 4:
        raise ApplicationError("quarter 须为 1–4")
    if month is not None and not 1 <= month <= 12:
        raise ApplicationError("month 须为 1–12")
    if not 2000 <= year <= 2100:
        raise ApplicationError("year 不正确")
    root = org_get(actor=request.user, org_id=org)
    orgs_query = org_list(actor=request.user).filter(path__startswith=root.path)
    orgs = list(map(OrgRow._make, orgs_query.order_by("path").values_list(*ORG_ROW_FIELDS)))
    totals = compliance_totals(
        orgs, orgs_query, span_of(year, quarter, month), timezone.localdate()
    )
    # A whole tree is tens of thousands of lines: they are built as plain dicts of the
    # documented ComplianceLine fields and rendered as they are, without validating each one
    # against the schema (which cost more than computing them; test_api checks the shape).
    lines = [
        {
            "org_id": o.id,
            "org_name": o.name,
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "required": required,
            "held": held,
            "status": status,
            "status_label": STATUS_LABELS[status],
        }
        for o in orgs
        for kind, required, held, status in totals[o.id]
    ]
    return api.create_response(request, lines, status=200)


@router.get(
    "/appraisals", response={200: list[AppraisalOut], **ERRORS}, summary="民主评议党员结果汇总"
)
def list_appraisals(request, year: int | None = None, org: int | None = None):
    rounds = appraisal_round_list(actor=request.user)
    if org is not None:
        rounds = rounds.filter(org__path__startswith=org_get(actor=request.user, org_id=org).path)
    if year is not None:
        rounds = rounds.filter(year=year)
    rounds = list(rounds.order_by("-year", "org__path")[:1000])
    summary = appraisal_summary(rounds)
    return [
        {
            "id": r.id,
            "org_id": r.org_id,
            "org_name": r.org.name,
            "year": r.year,
            "closed": r.closed,
            "grades": summary.get(r.id, {}),
        }
        for r in rounds
    ]


@router.get(
    "/terms/expiring",
    response={200: list[TermOut], **ERRORS},
    summary="任期 N 天内届满或已逾期的组织",
)
def expiring_terms(request, within_days: int = 90):
    if not 0 <= within_days <= 3650:
        raise ApplicationError("within_days 须在 0–3650 之间")
    today = timezone.localdate()
    orgs = elections.terms_expiring(org_list(actor=request.user), today, within_days)
    return [
        {
            "org_id": o.id,
            "org_name": o.name,
            "term_start": o.term_start,
            "term_end": o.term_end,
            "days_left": (o.term_end - today).days,
        }
        for o in orgs[:1000]
    ]
