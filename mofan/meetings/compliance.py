"""Compliance of organisational life with the frequency rules, for any sub-tree and period.

One aggregate query counts held meetings per (org, kind) and month; the rules and the period
arithmetic run in Python on plain lists, so the cost does not grow with the number of meetings
per org. The rules that apply to each org type and the periods of each frequency (with their
status against today) are worked out once, not once per org. `compliance` gives Lines with
their periods (pages, facts, reminders); `compliance_totals` gives only the totals and the
status per org and kind (the whole-tree API answer).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, Q

from mofan.core.dates import add_months
from mofan.core.periods import Span, periods_in
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


def held_by_month(orgs_query, span: Span) -> dict[tuple[int, str], list[int]]:
    """Held meetings per (org id, kind) within the span, as a list with one count per month of
    the span: one query, grouped by the database.

    The database counts, per (org, kind), the meetings held before the start of each month
    after the first (one comparison per row and month, and no per-row function: SQLite would
    work out a month number in Python row by row); the months are the differences."""
    starts = [add_months(span.start, index) for index in range(span.month_count + 1)]
    bounds = {f"before{index}": start for index, start in enumerate(starts[1:-1], start=1)}
    rows = (
        Meeting.objects.filter(
            org__in=orgs_query,
            status=MeetingStatus.HELD,
            held_on__gte=span.start,
            held_on__lt=min(span.end, starts[-1]),
        )
        .values_list("org_id", "kind")
        .annotate(
            **{key: Count("id", filter=Q(held_on__lt=start)) for key, start in bounds.items()},
            total=Count("id"),
        )
        .order_by()
    )
    # Read through the cursor as plain tuples: the counts are integers already, and Django's
    # per-value converters (a dozen per row, 400,000 for a whole tree) would cost more than
    # the rest of the evaluation.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    monthly = {}
    for org_id, kind, *before in found:
        monthly[(org_id, kind)] = [
            n - earlier for earlier, n in zip([0, *before[:-1]], before, strict=True)
        ]
    return monthly


# A period's status when fewer meetings are held than required (it is DONE otherwise), and
# the order of the worst one that names a line: not done, then due soon, then not yet.
RANK = {DONE: 0, NOT_YET: 1, DUE_SOON: 2, NOT_DONE: 3}
WORST = {rank: status for status, rank in RANK.items()}


class _Rule(NamedTuple):
    """A rule over the span: its periods as (period, first month index, months, status when
    fewer are held than required), and its totals for an org that held none of its kind."""

    kind: str
    required: int
    periods: list[tuple[Span, int, int, str]]
    nothing_held: tuple[str, int, int, str]  # (kind, required, held, status)


def _rule(rule: FrequencyRule, periods: list[tuple[Span, int, int, str]]) -> _Rule:
    statuses = [DONE if rule.required <= 0 else unmet for *_, unmet in periods]
    worst = WORST[max(map(RANK.get, statuses))]
    return _Rule(
        rule.kind, rule.required, periods, (rule.kind, rule.required * len(periods), 0, worst)
    )


class _Frame(NamedTuple):
    """What the evaluation needs besides the orgs: three queries."""

    by_type: dict[tuple[str, bool], list[_Rule]]  # (org type, has committee) -> rules
    monthly: dict[tuple[int, str], list[int]]
    with_committee: set[int]


def _frame(orgs_query, span: Span, today: date) -> _Frame:
    rules = list(FrequencyRule.objects.filter(enabled=True))
    monthly = held_by_month(orgs_query, span)
    with_committee = set(
        CommitteeSeat.objects.filter(org__in=orgs_query)
        .values_list("org_id", flat=True)
        .order_by()  # without the default ordering, DISTINCT gives one row per org
        .distinct()
    )
    # The periods of each frequency, as slices of the span's months, worked out once, with
    # the status each has against today unless enough meetings are held in it.
    periods = {
        period: [
            (p, _month_index(span, p.start), p.month_count, status_of(p, 1, 0, today))
            for p in periods_in(span, period)
        ]
        for period in {rule.period for rule in rules}
    }
    by_type = {
        (org_type, committee): [
            _rule(rule, periods[rule.period])
            for rule in rules
            if org_type in rule.org_types
            and (committee or not rule.needs_committee)
            and periods[rule.period]
        ]
        for org_type in {t for rule in rules for t in rule.org_types}
        for committee in (False, True)
    }
    return _Frame(by_type, monthly, with_committee)


def _rules_of(frame: _Frame, org) -> list[_Rule]:
    return frame.by_type.get((org.org_type, org.id in frame.with_committee), [])


def compliance(orgs: list[Org], orgs_query, span: Span, today: date) -> dict[int, list[Line]]:
    """For each org, a Line per required kind over `span` (a fixed number of queries).

    `orgs` are Org instances or any rows with `id` and `org_type` (such as `OrgRow`)."""
    frame = _frame(orgs_query, span, today)
    result: dict[int, list[Line]] = {}
    for org in orgs:
        lines = []
        for rule in _rules_of(frame, org):
            required = rule.required
            held_by_month = frame.monthly.get((org.id, rule.kind))
            line = Line(org.id, rule.kind, required * len(rule.periods))
            for period, first, count, unmet in rule.periods:
                held = sum(held_by_month[first : first + count]) if held_by_month else 0
                line.periods.append((period, required, held, DONE if held >= required else unmet))
                line.held += held
            lines.append(line)
        result[org.id] = lines
    return result


class OrgRow(NamedTuple):
    """The fields of an org that the compliance answer reads (`ORG_ROW_FIELDS`, values_list)."""

    id: int
    name: str
    org_type: str


ORG_ROW_FIELDS = OrgRow._fields


def compliance_totals(orgs, orgs_query, span: Span, today: date) -> dict[int, list[tuple]]:
    """For each org, (kind, required, held, status) per required kind over `span`: the same
    figures as `compliance` gives on its Lines, as plain tuples, without the periods (the
    whole-tree API answer; the same queries)."""
    frame = _frame(orgs_query, span, today)
    result: dict[int, list[tuple]] = {}
    for org in orgs:
        totals = []
        for rule in _rules_of(frame, org):
            held_by_month = frame.monthly.get((org.id, rule.kind))
            if held_by_month is None:
                totals.append(rule.nothing_held)
                continue
            required, held, worst = rule.required, 0, 0
            for _, first, count, unmet in rule.periods:
                got = sum(held_by_month[first : first + count])
                held += got
                if got < required and RANK[unmet] > worst:
                    worst = RANK[unmet]
            totals.append((rule.kind, required * len(rule.periods), held, WORST[worst]))
        result[org.id] = totals
    return result


def _month_index(span: Span, day: date) -> int:
    return (day.year - span.start.year) * 12 + day.month - span.start.month


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


@dataclass
class UnitCompliance:
    """One unit's sub-tree over a span, as `meetings.compliance` rolls it up: meetings held
    within each period's requirement over the meetings required (periods over, or done), the
    meetings owed in periods already over, and how many orgs still owe a meeting in the month
    or quarter running today."""

    met: int = 0
    required: int = 0
    owed: int = 0
    owing_now: int = 0

    @property
    def rate(self):
        from mofan.core.facts import percent

        return percent(self.met, self.required)


def _least(a: str, b: str) -> str:
    return f"CASE WHEN {a} < {b} THEN {a} ELSE {b} END"


def by_unit(
    unit_paths: dict[str, int], orgs_query, span: Span, today: date
) -> dict[int, UnitCompliance]:
    """Compliance summed per unit (`{unit path: unit id}`, paths of one length) in one query:
    the database counts the meetings of each (org, kind) per period and applies the rules;
    Python sees one row per unit. Same figures as rolling up `meetings.compliance` over the
    sub-trees (tested), without reading a row per org."""
    found = {unit_id: UnitCompliance() for unit_id in unit_paths.values()}
    months = span.whole_months
    rules = list(FrequencyRule.objects.filter(enabled=True))
    lengths = {len(path) for path in unit_paths}
    if months is None or not rules or not unit_paths:
        return found
    if len(lengths) != 1:
        raise ValueError("unit paths of one length only")
    day = min(months.last, today)
    slots = {period: periods_in(months, period) for period in {r.period for r in rules}}
    rows = [
        (rule.kind, org_type, int(rule.needs_committee), rule.required, rule.period)
        for rule in rules
        if slots[rule.period]
        for org_type in rule.org_types
    ]
    if not rows:
        return found
    params: list = []
    held_columns, met, required, owed, owing = [], [], [], [], []
    for period, spans in slots.items():
        if not spans:
            continue  # no rule of this frequency has a period within the span
        p_met, p_required, p_owed, p_owing = [], [], [], []
        for index, slot in enumerate(spans):
            column = f"{period}_{index}"
            held_columns.append(
                f"SUM(CASE WHEN m.held_on >= %s AND m.held_on < %s THEN 1 ELSE 0 END) AS {column}"
            )
            params += [slot.start, slot.end]
            got = f"COALESCE(h.{column}, 0)"
            done = f"CASE WHEN {got} >= r.required THEN r.required ELSE 0 END"
            if slot.last <= day:  # over: counts whatever was held
                p_met.append(_least(got, "r.required"))
                p_required.append("r.required")
                p_owed.append(f"r.required - {_least(got, 'r.required')}")
            else:  # running or to come: counts once done
                p_met.append(done)
                p_required.append(done)
            if period != "year" and slot.start <= today < slot.end:
                p_owing.append(f"{got} < r.required")
        met.append(f"WHEN '{period}' THEN {' + '.join(p_met)}")
        required.append(f"WHEN '{period}' THEN {' + '.join(p_required)}")
        owed.append(f"WHEN '{period}' THEN {' + '.join(p_owed) or '0'}")
        owing.append(f"WHEN '{period}' THEN {' OR '.join(p_owing) or '1 = 0'}")
    orgs_sql, orgs_params = orgs_query.values("id").query.sql_with_params()
    meeting, org, seat = (m._meta.db_table for m in (Meeting, Org, CommitteeSeat))
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    length = lengths.pop()
    sql = f"""
        WITH rules (kind, org_type, committee, required, period) AS (VALUES {values}),
        held AS (
            SELECT m.org_id, m.kind, {", ".join(held_columns)}
            FROM {meeting} m
            WHERE m.status = %s AND m.held_on >= %s AND m.held_on < %s
              AND m.org_id IN ({orgs_sql})
            GROUP BY m.org_id, m.kind
        ),
        orgs AS (
            SELECT o.id, SUBSTR(o.path, 1, {length}) AS unit, o.org_type,
                   EXISTS (SELECT 1 FROM {seat} s WHERE s.org_id = o.id) AS committee
            FROM {org} o
            WHERE o.id IN ({orgs_sql}) AND (o.dissolved_on IS NULL OR o.dissolved_on > %s)
        )
        SELECT o.unit,
               SUM(CASE r.period {" ".join(met)} END),
               SUM(CASE r.period {" ".join(required)} END),
               SUM(CASE r.period {" ".join(owed)} END),
               COUNT(DISTINCT CASE WHEN CASE r.period {" ".join(owing)} END THEN o.id END)
        FROM orgs o
        JOIN rules r ON r.org_type = o.org_type AND (r.committee = 0 OR o.committee)
        LEFT JOIN held h ON h.org_id = o.id AND h.kind = r.kind
        GROUP BY o.unit
    """
    all_params = [v for row in rows for v in row] + params
    all_params += [MeetingStatus.HELD, months.start, months.end, *orgs_params]
    all_params += [*orgs_params, months.start]
    with connections[orgs_query.db].cursor() as cursor:
        cursor.execute(sql, all_params)
        for unit, *figures in cursor.fetchall():
            if unit in unit_paths:
                found[unit_paths[unit]] = UnitCompliance(*(int(n or 0) for n in figures))
    return found
