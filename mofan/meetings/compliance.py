"""Compliance of organisational life with the frequency rules, for any sub-tree and period.

One aggregate query counts held meetings per (org, kind, month); the rules and the period
arithmetic run in Python, so the cost does not grow with the number of meetings per org. The
periods of each frequency are worked out once, not once per org.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from mofan.core.dates import add_months
from mofan.core.periods import Span, periods_in
from mofan.core.periods import span_of as span_of  # the old import path, until every caller moves
from mofan.meetings.models import FrequencyRule, Kind, Meeting, MeetingStatus, Period
from mofan.orgs.models import CommitteeSeat, Org

DONE, DUE_SOON, NOT_DONE, NOT_YET = "done", "due_soon", "not_done", "not_yet"
STATUS_LABELS = {DONE: "已完成", DUE_SOON: "临期", NOT_DONE: "未完成", NOT_YET: "未到期"}
DUE_SOON_DAYS = 10


def status_of(period: Span, required: int, held: int, today: date) -> str:
    if held >= required:
        return DONE
    if today < period.start:
        return NOT_YET
    if period.start <= today < period.end:
        return DUE_SOON if today >= period.end - timedelta(days=DUE_SOON_DAYS) else NOT_YET
    return NOT_DONE


@dataclass
class Line:
    """One org × one kind over the requested span."""

    org_id: int
    kind: str
    required: int = 0
    held: int = 0
    periods: list[tuple[Span, int, int, str]] = field(
        default_factory=list
    )  # (period, required, held, status)

    @property
    def status(self) -> str:
        statuses = {s for *_, s in self.periods}
        for status in (NOT_DONE, DUE_SOON, NOT_YET):
            if status in statuses:
                return status
        return DONE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


def rules_for(org: Org, rules: list[FrequencyRule], has_committee: bool) -> list[FrequencyRule]:
    return [
        r for r in rules if org.org_type in r.org_types and (has_committee or not r.needs_committee)
    ]


def held_counts(orgs_query, span: Span) -> dict[tuple[int, str, int], int]:
    """Held meetings per (org id, kind, month number) within the span: one query.

    The months are counted with plain date ranges (one conditional count per month of the
    span) rather than by extracting the month, which SQLite would do in Python row by row."""
    months = {f"m{index}": add_months(span.start, index) for index in range(span.month_count)}
    rows = (
        Meeting.objects.filter(
            org__in=orgs_query,
            status=MeetingStatus.HELD,
            held_on__gte=span.start,
            held_on__lt=span.end,
        )
        .values_list("org_id", "kind")
        .annotate(
            **{
                key: Count("id", filter=Q(held_on__gte=start, held_on__lt=add_months(start, 1)))
                for key, start in months.items()
            }
        )
        .order_by()
    )
    counts = {}
    for org_id, kind, *per_month in rows:
        for start, n in zip(months.values(), per_month, strict=True):
            if n:
                counts[(org_id, kind, start.month)] = n
    return counts


def compliance(orgs: list[Org], orgs_query, span: Span, today: date) -> dict[int, list[Line]]:
    """For each org, a Line per required kind over `span` (a fixed number of queries)."""
    rules = list(FrequencyRule.objects.filter(enabled=True))
    monthly = _monthly(held_counts(orgs_query, span), span)
    with_committee = set(
        CommitteeSeat.objects.filter(org__in=orgs_query).values_list("org_id", flat=True).distinct()
    )
    # The periods of each frequency, as slices of the span's months, worked out once.
    periods = {
        period: [(p, _month_index(span, p.start), p.month_count) for p in periods_in(span, period)]
        for period in {rule.period for rule in rules}
    }
    result: dict[int, list[Line]] = {}
    for org in orgs:
        lines = []
        for rule in rules_for(org, rules, org.id in with_committee):
            line = Line(org.id, rule.kind)
            held_by_month = monthly.get((org.id, rule.kind))
            for period, first, count in periods[rule.period]:
                held = sum(held_by_month[first : first + count]) if held_by_month else 0
                line.periods.append(
                    (period, rule.required, held, status_of(period, rule.required, held, today))
                )
                line.required += rule.required
                line.held += held
            if line.periods:
                lines.append(line)
        result[org.id] = lines
    return result


def _month_index(span: Span, day: date) -> int:
    return (day.year - span.start.year) * 12 + day.month - span.start.month


def _monthly(counts: dict[tuple[int, str, int], int], span: Span) -> dict[tuple, list[int]]:
    """{(org id, kind): [held in the span's first month, second month, …]}."""
    monthly: dict[tuple, list[int]] = {}
    for (org_id, kind, month), n in counts.items():
        row = monthly.setdefault((org_id, kind), [0] * span.month_count)
        row[(month - span.start.month) % 12] += n
    return monthly


DEFAULT_RULES = [
    (Kind.BRANCH_GENERAL, ["branch", "joint_branch"], Period.QUARTER, 1, False),
    (Kind.COMMITTEE, ["branch", "joint_branch"], Period.MONTH, 1, True),
    (Kind.GROUP, ["party_group"], Period.MONTH, 1, False),
    (Kind.LECTURE, ["branch", "joint_branch"], Period.QUARTER, 1, False),
    (Kind.LECTURE, ["organ_committee", "basic_committee", "general_branch"], Period.YEAR, 1, False),
    (Kind.THEME_DAY, ["branch", "joint_branch"], Period.MONTH, 1, False),
    (Kind.LIFE_MEETING, ["branch", "joint_branch"], Period.YEAR, 1, False),
    (Kind.APPRAISAL, ["branch", "joint_branch"], Period.YEAR, 1, False),
    (Kind.TALK, ["branch", "joint_branch"], Period.YEAR, 1, False),
    (Kind.CENTER_GROUP, ["organ_committee", "basic_committee"], Period.QUARTER, 1, False),
]
