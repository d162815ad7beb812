"""Reads of organisational life, limited to the acting user's sub-tree."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.dates import add_months
from mofan.core.lookup import get_or_404
from mofan.meetings.models import (
    AppraisalRound,
    Attachment,
    Attendance,
    Election,
    Meeting,
    MeetingStatus,
)
from mofan.members.models import CURRENT_STATUSES, Member

INACTIVE_MONTHS = 6


def meeting_list(*, actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scope_of(actor).visible_q("org__path")).select_related("org")


def meeting_get(*, actor, meeting_id) -> Meeting:
    return get_or_404(meeting_list(actor=actor), meeting_id, "未找到该会议记录")


def attachment_get(*, actor, attachment_id) -> Attachment:
    attachments = Attachment.objects.filter(meeting__in=meeting_list(actor=actor))
    return get_or_404(attachments.select_related("meeting__org"), attachment_id, "未找到该附件")


def appraisal_round_list(*, actor) -> QuerySet[AppraisalRound]:
    rounds = AppraisalRound.objects.filter(scope_of(actor).visible_q("org__path"))
    return rounds.select_related("org")


def appraisal_round_get(*, actor, round_id) -> AppraisalRound:
    return get_or_404(appraisal_round_list(actor=actor), round_id, "未找到该民主评议")


def election_list(*, actor) -> QuerySet[Election]:
    return Election.objects.filter(scope_of(actor).visible_q("org__path")).select_related("org")


def election_get(*, actor, election_id) -> Election:
    return get_or_404(election_list(actor=actor), election_id, "未找到该换届选举")


def with_attendance(meeting: Meeting) -> Meeting:
    """The meeting with its attendance and the members' names loaded in one query."""
    prefetch_related_objects(
        [meeting], Prefetch("attendance", queryset=Attendance.objects.select_related("member"))
    )
    return meeting


def meeting_filter(
    meetings,
    *,
    org=None,
    kind: str = "",
    status: str = "",
    since: date | None = None,
    until: date | None = None,
):
    if org is not None:
        meetings = meetings.filter(org__path__startswith=org.path)
    if kind:
        meetings = meetings.filter(kind=kind)
    if status:
        meetings = meetings.filter(status=status)
    if since:
        meetings = meetings.filter(
            Q(held_on__gte=since) | Q(held_on__isnull=True, planned_on__gte=since)
        )
    if until:
        meetings = meetings.filter(
            Q(held_on__lte=until) | Q(held_on__isnull=True, planned_on__lte=until)
        )
    return meetings


def calendar_month(*, actor, org, year: int, month: int) -> dict[date, list[Meeting]]:
    """Planned and held meetings of the sub-tree in a month, by day (one query)."""
    start = date(year, month, 1)
    end = add_months(start, 1) - timedelta(days=1)
    meetings = meeting_filter(meeting_list(actor=actor), org=org, since=start, until=end).exclude(
        status=MeetingStatus.CANCELLED
    )
    days: dict[date, list[Meeting]] = {}
    for meeting in meetings.order_by("held_on", "planned_on", "held_time", "id"):
        days.setdefault(meeting.date, []).append(meeting)
    return days


def attendance_rates(
    members: QuerySet[Member], since: date, until: date
) -> dict[int, tuple[int, int]]:
    """(present, expected) per member over held meetings in [since, until] (one query)."""
    rows = (
        Attendance.objects.filter(
            member__in=members,
            meeting__status=MeetingStatus.HELD,
            meeting__held_on__gte=since,
            meeting__held_on__lte=until,
        )
        .values("member_id")
        .annotate(
            expected=Count("id"), present=Count("id", filter=Q(status=Attendance.Status.PRESENT))
        )
    )
    return {r["member_id"]: (r["present"], r["expected"]) for r in rows}


def inactive_members(members: QuerySet[Member], today: date) -> QuerySet[Member]:
    """Current members with no organisational life attended for six months in a row (the
    Constitution's 自行脱党 case), leaving out those who joined, transferred in or were entered
    in the records recently."""
    since = add_months(today, -INACTIVE_MONTHS)
    entered_before = timezone.make_aware(datetime.combine(since, time.min))
    return (
        members.filter(
            status__in=CURRENT_STATUSES, joined_on__lt=since, created_at__lt=entered_before
        )
        .annotate(
            last_present=Max(
                "attendance__meeting__held_on",
                filter=Q(
                    attendance__status=Attendance.Status.PRESENT,
                    attendance__meeting__status=MeetingStatus.HELD,
                ),
            )
        )
        .filter(Q(last_present__lt=since) | Q(last_present__isnull=True))
        .exclude(events__kind="transfer_in", events__on__gte=since)
    )


def owed_this_period(*, actor, today: date) -> list[tuple]:
    """For the branches and party groups the actor records meetings for: the kinds still owed
    in the current month and quarter, as (org, [kind labels]) (a fixed number of queries)."""
    from mofan.core.access import RECORDER_ROLES
    from mofan.core.periods import span_of
    from mofan.meetings.compliance import DONE, compliance
    from mofan.orgs.models import BRANCH_TYPES, OrgType
    from mofan.orgs.selectors import orgs_under_roles

    orgs_query = orgs_under_roles(
        actor=actor, roles=RECORDER_ROLES, org_types=[*BRANCH_TYPES, OrgType.PARTY_GROUP]
    )
    orgs = list(orgs_query.order_by("path")[:OWED_LIMIT])
    if not orgs:
        return []
    quarter = (today.month - 1) // 3 + 1
    lines = compliance(
        orgs,
        orgs_query.filter(pk__in=[o.pk for o in orgs]),
        span_of(today.year, quarter=quarter),
        today,
    )
    owed = []
    for org in orgs:
        kinds = [
            line.kind_label
            for line in lines.get(org.id, [])
            if any(p.start <= today < p.end and status != DONE for p, _, _, status in line.periods)
        ]
        if kinds:
            owed.append((org, kinds))
    return owed


OWED_LIMIT = 30


def inactivity_flags(member) -> list[str]:
    """The Constitution's case on the member's own page (registered with members.flags)."""
    today = timezone.localdate()
    if not inactive_members(Member.objects.filter(pk=member.pk), today).exists():
        return []
    since = add_months(today, -INACTIVE_MONTHS)
    return [f"自 {since:%Y-%m-%d} 以来连续六个月未参加组织生活，请支部了解情况（党章第九条）"]


def attendance_by_org(members, since: date, until: date) -> list[dict]:
    """Attendance rate per branch over held meetings in [since, until] (one query)."""
    return list(
        Attendance.objects.filter(
            member__in=members,
            meeting__status=MeetingStatus.HELD,
            meeting__held_on__gte=since,
            meeting__held_on__lte=until,
        )
        .values("meeting__org_id", "meeting__org__name")
        .annotate(
            expected=Count("id"), present=Count("id", filter=Q(status=Attendance.Status.PRESENT))
        )
        .order_by("meeting__org__path")
    )
