"""Facts of organisational life (registered in core.facts at start-up).

Meetings count for the org that held them, by the day they were held, when their status is
已召开. Compliance reuses compliance.py: each period of a frequency rule counts once it is over
by the reference day or already has its meetings, and a period counts at most its required
number, so meetings in one month do not make up for a month without any.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Case, Count, DecimalField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from mofan.core.facts import for_each, reference_day, register_fact, register_rate, reuse
from mofan.core.periods import Span
from mofan.meetings.compliance import compliance
from mofan.meetings.models import USUAL_HOURS, Attendance, Kind, Meeting, MeetingStatus
from mofan.orgs.models import Org

TENTH = Decimal("0.1")


def held_meetings(org_ids, span: Span):
    return Meeting.objects.filter(
        org_id__in=org_ids,
        status=MeetingStatus.HELD,
        held_on__gte=span.start,
        held_on__lt=span.end,
    )


def _held_count(org_ids, span: Span, kind: str | None = None) -> dict[int, int]:
    meetings = held_meetings(org_ids, span)
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    rows = meetings.values("org_id").annotate(n=Count("id")).order_by()
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


def held_meetings_url(kind: str = ""):
    """→ (org id, span) → the meeting list filtered to the held meetings a fact counts."""

    def url(org_id: int, span: Span) -> str:
        query = {"org": org_id, "status": MeetingStatus.HELD, "kind": kind}
        query.update(since=span.start.isoformat(), until=span.last.isoformat())
        return f"{reverse('meetings:list')}?{urlencode({k: v for k, v in query.items() if v})}"

    return url


def _held_fact(kind: Kind):
    def compute(*, org_ids, span, as_of=None):
        return _held_count(org_ids, span, kind)

    compute.__name__ = f"held_{kind.value}"
    return compute


@register_fact("meetings.held", "组织生活次数（各类合计）", "次", records=held_meetings_url())
def held(*, org_ids, span, as_of=None):
    return _held_count(org_ids, span)


for _kind in Kind:
    register_fact(
        f"meetings.held.{_kind.value}",
        f"{_kind.label}次数",
        "次",
        records=held_meetings_url(_kind.value),
    )(_held_fact(_kind))


def _compliance_parts(org_ids, span: Span, as_of, kind: str | None = None):
    """{org id: (meetings held within each period's requirement, meetings required)}."""
    parts = {org_id: (0, 0) for org_id in org_ids}
    months = span.whole_months
    if months is None:
        return parts
    day = reference_day(span, as_of)
    # An org dissolved before the span had nothing to hold in it.
    orgs_query = Org.objects.filter(pk__in=org_ids).exclude(dissolved_on__lte=months.start)
    lines = reuse(
        ("meetings.compliance", tuple(org_ids), months, day),
        lambda: compliance(list(orgs_query), orgs_query, months, day),
    )
    for org_id, org_lines in lines.items():
        met = required = 0
        for line in org_lines:
            if kind is not None and line.kind != kind:
                continue
            for period, period_required, period_held, _ in line.periods:
                if period.last <= day or period_held >= period_required:
                    met += min(period_held, period_required)
                    required += period_required
        parts[org_id] = (met, required)
    return parts


COMPLIANCE_NUMERATOR = "按期召开次数（每期至多计规定次数）"
COMPLIANCE_DENOMINATOR = "规定召开次数（已到期或已完成的各期）"


def _compliance_fact(kind: Kind):
    def parts(*, org_ids, span, as_of=None):
        return _compliance_parts(org_ids, span, as_of, kind)

    parts.__name__ = f"compliance_{kind.value}"
    return parts


@register_rate(
    "meetings.compliance",
    "组织生活按期完成率（各类合计）",
    numerator=COMPLIANCE_NUMERATOR,
    denominator=COMPLIANCE_DENOMINATOR,
    records=held_meetings_url(),
)
def compliance_all(*, org_ids, span, as_of=None):
    return _compliance_parts(org_ids, span, as_of)


for _kind in Kind:
    register_rate(
        f"meetings.compliance.{_kind.value}",
        f"{_kind.label}按期完成率",
        numerator=COMPLIANCE_NUMERATOR,
        denominator=COMPLIANCE_DENOMINATOR,
        records=held_meetings_url(_kind.value),
    )(_compliance_fact(_kind))


@register_rate(
    "meetings.attendance",
    "党员参加组织生活出席率",
    numerator="出席人次",
    denominator="应出席人次（含请假、缺席）",
)
def attendance(*, org_ids, span, as_of=None):
    rows = (
        Attendance.objects.filter(
            meeting__org_id__in=org_ids,
            meeting__status=MeetingStatus.HELD,
            meeting__held_on__gte=span.start,
            meeting__held_on__lt=span.end,
        )
        .values("meeting__org_id")
        .annotate(
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            expected=Count("id"),
        )
        .order_by()
    )
    found = {row["meeting__org_id"]: (row["present"], row["expected"]) for row in rows}
    return for_each(org_ids, found, (0, 0))


USUAL_HOURS_OF_KIND = Case(
    *(When(kind=kind, then=Value(hours)) for kind, hours in USUAL_HOURS.items()),
    output_field=DecimalField(max_digits=3, decimal_places=1),
)


@register_fact("meetings.hours", "组织生活时长合计（未填时长的按通常时长计）", "学时")
def hours(*, org_ids, span, as_of=None):
    rows = (
        held_meetings(org_ids, span)
        .values("org_id")
        .annotate(hours=Sum(Coalesce("duration_hours", USUAL_HOURS_OF_KIND)))
        .order_by()
    )
    # SQLite sums decimals as floats: back to tenths of an hour.
    found = {row["org_id"]: Decimal(str(row["hours"])).quantize(TENTH) for row in rows}
    return for_each(org_ids, found, Decimal("0.0"))
