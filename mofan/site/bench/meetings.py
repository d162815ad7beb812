"""Organisational life section: a tree where nearly every org is a branch (5,000 branches with
about 12 members each), a year of held meetings (about 200,000) with attendance (about 2
million rows); whole-tree compliance, a branch's calendar month, compliance matrix pages."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.access import Role
from mofan.core.periods import span_of
from mofan.meetings.compliance import compliance
from mofan.meetings.models import Attendance, FrequencyRule, Kind, Meeting, MeetingStatus
from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.models import BRANCH_TYPES, CommitteeSeat, Org, OrgType
from mofan.orgs.selectors import org_list
from mofan.site.bench.floor import (
    json_rows,
    month_of,
    one,
    placeholders,
    prefix,
    rows,
    table,
    under,
)
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.members import build_members
from mofan.site.bench.tree import BenchTree, bench_user, build_tree, size_for_branches

MEMBERS_PER_BRANCH = 12
FIRST_PERSON = 10_000_000  # person numbers (ID numbers) apart from the members section's
COMPLIANCE_TARGET_MS = 2000
CHUNK = 100  # branches per bulk_create round: about 4,000 meetings and 40,000 attendance rows
TOPICS = {
    Kind.BRANCH_GENERAL: "学习贯彻党的二十届四中全会精神",
    Kind.COMMITTEE: "研究本月组织生活安排",
    Kind.LECTURE: "书记讲党课：以党的创新理论武装头脑",
    Kind.THEME_DAY: "重温入党誓词",
    Kind.LIFE_MEETING: "年度组织生活会暨民主评议党员",
    Kind.APPRAISAL: "民主评议党员",
    Kind.TALK: "支部委员与党员谈心谈话",
    Kind.CENTER_GROUP: "理论学习中心组集体学习",
}


@dataclass
class MeetingsTree:
    tree: BenchTree
    branch: Org  # the first branch of the first unit
    secretary: User  # 支部书记 of that branch
    year: int
    meetings: int
    attendance: int


def schedule(index: int, year: int, has_committee: bool) -> list[tuple[str, date]]:
    """A branch's year: 主题党日 monthly (twice in odd months), 支委会 monthly where there is a
    committee, 党员大会 and 党课 quarterly, 谈心谈话 quarterly, 组织生活会 and 民主评议 yearly.
    Some branches miss the second quarter's 党员大会 or the third quarter's 党课, so the
    compliance matrix has gaps to show."""
    planned = []
    for month in range(1, 13):
        start = date(year, month, 1)

        def day(k: int, start=start) -> date:
            return start + timedelta(days=(index * 7 + k * 5) % 25)

        planned.append((Kind.THEME_DAY, day(0)))
        if month % 2:
            planned.append((Kind.THEME_DAY, day(3)))
        if has_committee:
            planned.append((Kind.COMMITTEE, day(1)))
        if month % 3 == 2:
            if not (index % 7 == 3 and month == 5):
                planned.append((Kind.BRANCH_GENERAL, day(2)))
            if not (index % 11 == 5 and month == 8):
                planned.append((Kind.LECTURE, day(4)))
            planned.append((Kind.TALK, day(2) + timedelta(days=1)))
    planned += [(Kind.LIFE_MEETING, date(year, 1, 20)), (Kind.APPRAISAL, date(year, 12, 15))]
    return planned


def unit_schedule(year: int, center_group: bool) -> list[tuple[str, date]]:
    """A unit's yearly 党课, and a 机关党委's 中心组学习 each quarter."""
    planned = [(Kind.LECTURE, date(year, 6, 28))]
    if center_group:
        planned += [(Kind.CENTER_GROUP, date(year, m, 10)) for m in (2, 5, 8, 11)]
    return planned


def _meeting(org: Org, kind: str, on: date) -> Meeting:
    return Meeting(
        kind=kind,
        org=org,
        topic=TOPICS[kind],
        planned_on=on,
        held_on=on,
        place="党员活动室",
        first_topic=kind in (Kind.BRANCH_GENERAL, Kind.COMMITTEE, Kind.CENTER_GROUP),
        host="书记",
        recorder="组织委员",
        status=MeetingStatus.HELD,
    )


def _attendance(meeting: Meeting, people: list[tuple[int, str]], seats: int) -> list[tuple]:
    """Attendance rows (meeting, member, status, reason, vote) of everyone on the roll (the
    committee's seats for a 支委会); one in twenty on leave; probationary members without a
    vote."""
    attendees = people[:seats] if meeting.kind == Kind.COMMITTEE else people
    rows = []
    for n, (member_id, category) in enumerate(attendees):
        away = (meeting.pk + n) % 20 == 0
        status = Attendance.Status.LEAVE if away else Attendance.Status.PRESENT
        reason = "公务出差" if away else ""
        rows.append((meeting.pk, member_id, status, reason, category == Category.FULL))
    return rows


def _insert_attendance(rows: list[tuple]) -> None:
    """bulk_create without the model instances: 2 million Attendance objects would cost a
    minute of Django overhead; one parameterised INSERT run for all rows costs seconds."""
    fields = ["meeting", "member", "status", "reason", "can_vote"]
    meta = Attendance._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def build_meetings(tree: BenchTree, year: int) -> tuple[int, int]:
    """A year of held meetings for every branch and 机关党委 of the tree, with attendance from
    the branches' members, saved with bulk_create in rounds of CHUNK branches."""
    orgs = list(tree.orgs().order_by("path"))
    seats = dict(
        CommitteeSeat.objects.filter(org__in=tree.orgs())
        .values_list("org_id")
        .annotate(n=Count("id"))
    )
    people: dict[int, list[tuple[int, str]]] = {}
    roll = Member.objects.filter(org__in=tree.orgs(), status__in=CURRENT_STATUSES)
    for member_id, org_id, category in roll.order_by("id").values_list("id", "org_id", "category"):
        people.setdefault(org_id, []).append((member_id, category))
    meetings = attendance = 0
    for start in range(0, len(orgs), CHUNK):
        batch = []
        for index, org in enumerate(orgs[start : start + CHUNK], start=start):
            if org.org_type in BRANCH_TYPES:
                planned = schedule(index, year, org.id in seats)
            elif org.depth == 2:
                planned = unit_schedule(year, org.org_type == OrgType.ORGAN_COMMITTEE)
            else:
                planned = []
            batch += [_meeting(org, kind, on) for kind, on in planned]
        Meeting.objects.bulk_create(batch, batch_size=1000)
        rows = [
            row
            for meeting in batch
            for row in _attendance(
                meeting, people.get(meeting.org_id, []), seats.get(meeting.org_id, 0)
            )
        ]
        _insert_attendance(rows)
        meetings, attendance = meetings + len(batch), attendance + len(rows)
    return meetings, attendance


def build_meetings_tree(branches: int, *, prefix: str = "MEET") -> MeetingsTree:
    """The section's own tree (no party groups: nearly every org is a branch), its members,
    a 支部书记 on the first branch, and last year's meetings."""
    tree = build_tree(size_for_branches(branches), prefix=prefix, party_groups=False)
    branch_list = tree.branches()
    people = len(branch_list) * MEMBERS_PER_BRANCH
    build_members(tree, people, first=FIRST_PERSON + Member.objects.count())
    branch = next(b for b in branch_list if b.path.startswith(tree.unit.path))
    secretary = bench_user(f"{prefix.lower()}-secretary", Role.SECRETARY, branch)
    year = timezone.localdate().year - 1
    meetings, attendance = build_meetings(tree, year)
    return MeetingsTree(tree, branch, secretary, year, meetings, attendance)


def whole_tree_compliance(built: MeetingsTree):
    """What the compliance API does for the whole tree: the orgs, then `compliance`."""
    tree = built.tree
    orgs_query = org_list(actor=tree.committee_admin).filter(path__startswith=tree.root.path)
    orgs = list(orgs_query.order_by("path"))
    return compliance(orgs, orgs_query, span_of(built.year), timezone.localdate())


def operations(built: MeetingsTree) -> list[Operation]:
    tree, year = built.tree, built.year
    secretary = client_for(built.secretary)
    unit_admin = client_for(tree.unit_admin)
    admin = client_for(tree.committee_admin)
    api = client_for(tree.committee_admin, token=True)
    branch, unit = built.branch.id, tree.unit.id
    today = timezone.localdate()
    return [
        Operation(
            f"全树全年完成情况 compliance（{tree.size} 个组织）",
            lambda: whole_tree_compliance(built),
            target_ms=COMPLIANCE_TARGET_MS,
            runs=5,
            warmup=1,
            floor=lambda: compliance_floor(tree.root.path, year, today),
            shown=lambda lines: sum(len(org_lines) for org_lines in lines.values()),
        ),
        Operation(
            "全树全年完成情况接口 /api/v1/compliance?org=工委",
            get(api, f"/api/v1/compliance?org={tree.root.id}&year={year}"),
            target_ms=COMPLIANCE_TARGET_MS,
            runs=5,
            warmup=1,
            floor=lambda: compliance_floor(tree.root.path, year, today),
            shown=json_rows(),
        ),
        Operation(
            "支部月历 /meetings/calendar/?org=支部",
            get(secretary, f"/meetings/calendar/?org={branch}&year={year}&month=6"),
            floor=lambda: calendar_floor(built.branch.path, date(year, 6, 1)),
            shown=calendar_meetings,
        ),
        Operation(
            "单位完成情况矩阵 /meetings/compliance/?org=单位",
            get(unit_admin, f"/meetings/compliance/?org={unit}&year={year}"),
            floor=lambda: matrix_floor(tree.unit.path, year, today),
            shown=lambda response: len(response.context["rows"]),
        ),
        Operation(
            "工委完成情况矩阵第 1 页 /meetings/compliance/",
            get(admin, f"/meetings/compliance/?year={year}&view=matrix"),
            floor=lambda: matrix_floor(tree.root.path, year, today),
            shown=lambda response: len(response.context["rows"]),
        ),
        Operation(
            "工委完成情况按单位汇总 /meetings/compliance/",
            get(admin, f"/meetings/compliance/?year={year}"),
        ),
    ]


# --- floors ---------------------------------------------------------------------------------

MEETING, ORG, SEAT, RULE = table(Meeting), table(Org), table(CommitteeSeat), table(FrequencyRule)
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = {"done": "已完成", "due_soon": "临期", "not_done": "未完成", "not_yet": "未到期"}
DUE_SOON_DAYS = 10


def calendar_meetings(response) -> int:
    return sum(len(day["meetings"]) for week in response.context["weeks"] for day in week)


def calendar_floor(path: str, first: date) -> list[tuple]:
    """The month's planned and held meetings of the sub-tree, in the calendar's order."""
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    return rows(
        f"SELECT id, kind, topic, status, planned_on, held_on, held_time FROM {MEETING} "
        f"WHERE org_id IN (SELECT id FROM {ORG} WHERE {under('path')}) AND status <> %s "
        "AND (held_on >= %s OR (held_on IS NULL AND planned_on >= %s)) "
        "AND (held_on <= %s OR (held_on IS NULL AND planned_on <= %s)) "
        "ORDER BY held_on, planned_on, held_time, id",
        [prefix(path), MeetingStatus.CANCELLED, first, first, last, last],
    )


def _rules() -> list[tuple]:
    found = rows(
        f"SELECT kind, org_types, period, required, needs_committee FROM {RULE} "
        "WHERE enabled = %s ORDER BY sort_order, id",
        [True],
    )
    return [
        (kind, set(json.loads(types) if isinstance(types, str) else types), period, req, needs)
        for kind, types, period, req, needs in found
    ]


def _held(org_filter: str, params: list, year: int) -> dict[tuple[int, str], list[int]]:
    """Held meetings per (org, kind) and month of the year, grouped by the database."""
    counts: dict[tuple[int, str], list[int]] = {}
    for org_id, kind, month, n in rows(
        f"SELECT org_id, kind, {month_of('held_on')}, COUNT(*) FROM {MEETING} "
        f"WHERE org_id IN ({org_filter}) AND status = %s AND held_on >= %s AND held_on < %s "
        "GROUP BY org_id, kind, 3",
        [*params, MeetingStatus.HELD, date(year, 1, 1), date(year + 1, 1, 1)],
    ):
        counts.setdefault((org_id, kind), [0] * 12)[month - 1] = n
    return counts


def _status(year: int, first: int, step: int, required: int, held: int, today: date) -> str:
    if held >= required:
        return "done"
    start = date(year, first + 1, 1)
    end = date(year + (first + step) // 12, (first + step) % 12 + 1, 1)
    if today < start:
        return "not_yet"
    if today < end:
        return "due_soon" if today >= end - timedelta(days=DUE_SOON_DAYS) else "not_yet"
    return "not_done"


def _periods(org_id, org_type, rules, committee, held, year, today):
    """(kind, [(first month index, months, required, held, status)]) per rule that applies."""
    for kind, types, period, required, needs_committee in rules:
        if org_type not in types or (needs_committee and org_id not in committee):
            continue
        step = MONTHS_IN[period]
        months = held.get((org_id, kind), [0] * 12)
        periods = []
        for first in range(0, 12, step):
            got = sum(months[first : first + step])
            periods.append(
                (first, step, required, got, _status(year, first, step, required, got, today))
            )
        yield kind, periods


def _worst(statuses) -> str:
    return next((s for s in ("not_done", "due_soon", "not_yet") if s in statuses), "done")


def compliance_floor(path: str, year: int, today: date) -> list[tuple]:
    """What the compliance API answers for a sub-tree and a year: one row per org and
    required kind (required, held, status), from four queries (orgs, rules, committees,
    held meetings per org, kind and month) and plain tuples."""
    orgs = rows(
        f"SELECT id, name, org_type FROM {ORG} WHERE {under('path')} AND dissolved_on IS NULL "
        "ORDER BY path",
        [prefix(path)],
    )
    subtree = f"SELECT id FROM {ORG} WHERE {under('path')} AND dissolved_on IS NULL"
    committee = {
        org_id
        for (org_id,) in rows(
            f"SELECT DISTINCT org_id FROM {SEAT} WHERE org_id IN ({subtree})", [prefix(path)]
        )
    }
    held = _held(subtree, [prefix(path)], year)
    rules = _rules()
    lines = []
    for org_id, name, org_type in orgs:
        for kind, periods in _periods(org_id, org_type, rules, committee, held, year, today):
            status = _worst({p[4] for p in periods})
            lines.append(
                (
                    org_id,
                    name,
                    kind,
                    KIND_LABELS[kind],
                    sum(p[2] for p in periods),
                    sum(p[3] for p in periods),
                    status,
                    STATUS_LABELS[status],
                )
            )
    return lines


def matrix_floor(path: str, year: int, today: date, page_size: int = 50) -> list[tuple]:
    """The matrix page: the count of orgs, the first page of them in path order, and for each
    a cell per month (required, held up to the requirement, worst status)."""
    one(
        f"SELECT COUNT(*) FROM {ORG} WHERE {under('path')} AND dissolved_on IS NULL",
        [prefix(path)],
    )
    orgs = rows(
        f"SELECT id, name, org_type FROM {ORG} WHERE {under('path')} AND dissolved_on IS NULL "
        "ORDER BY path LIMIT %s",
        [prefix(path), page_size],
    )
    ids = [org_id for org_id, _, _ in orgs]
    committee = {
        org_id
        for (org_id,) in rows(
            f"SELECT DISTINCT org_id FROM {SEAT} WHERE org_id IN ({placeholders(ids)})", ids
        )
    }
    held = _held(placeholders(ids), ids, year)
    rules = _rules()
    matrix = []
    for org_id, name, org_type in orgs:
        cells = [[0, 0, set()] for _ in range(12)]
        for _, periods in _periods(org_id, org_type, rules, committee, held, year, today):
            for first, step, required, got, status in periods:
                cell = cells[first + step - 1]  # shown in the column of its last month
                cell[0] += required
                cell[1] += min(got, required)
                cell[2].add(status)
        row = [(req, got, _worst(statuses) if statuses else None) for req, got, statuses in cells]
        matrix.append((org_id, name, row))
    return matrix
