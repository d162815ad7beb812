"""Organisational life section: a tree where nearly every org is a branch (5,000 branches with
about 12 members each), a year of held meetings (about 200,000) with attendance (about 2
million rows); whole-tree compliance, a branch's calendar month, compliance matrix pages."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.access import Role
from mofan.meetings.compliance import compliance, span_of
from mofan.meetings.models import Attendance, Kind, Meeting, MeetingStatus
from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.models import BRANCH_TYPES, CommitteeSeat, Org, OrgType
from mofan.orgs.selectors import org_list
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
    branch, unit = built.branch.id, tree.unit.id
    return [
        Operation(
            f"全树全年完成情况 compliance（{tree.size} 个组织）",
            lambda: whole_tree_compliance(built),
            target_ms=COMPLIANCE_TARGET_MS,
            runs=5,
            warmup=1,
        ),
        Operation(
            "支部月历 /meetings/calendar/?org=支部",
            get(secretary, f"/meetings/calendar/?org={branch}&year={year}&month=6"),
        ),
        Operation(
            "单位完成情况矩阵 /meetings/compliance/?org=单位",
            get(unit_admin, f"/meetings/compliance/?org={unit}&year={year}"),
        ),
        Operation(
            "工委完成情况矩阵第 1 页 /meetings/compliance/",
            get(admin, f"/meetings/compliance/?year={year}"),
        ),
    ]
