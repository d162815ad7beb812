"""Writes to organisational life: plan, record (with attendance and the voting rules), correct,
cancel, attach files. Every write checks scope and leaves an audit record."""

from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.uploads import DOCUMENTS_AND_DOC, check_upload
from mofan.meetings.models import (
    MAX_HOURS,
    Attachment,
    Attendance,
    Kind,
    Meeting,
    MeetingStatus,
)
from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.models import BRANCH_TYPES, CommitteeSeat, OrgType

MEETING_CLEAN_EXCLUDE = ["org"]

MEETING_FIELDS = [
    "kind",
    "topic",
    "planned_on",
    "held_on",
    "held_time",
    "duration_hours",
    "place",
    "first_topic",
    "first_topic_title",
    "host",
    "recorder",
    "lecturer",
    "votes",
    "votes_for",
    "minutes",
    "decisions",
    "observer_notes",
    "observer_rating",
]
# Which kinds of meeting each kind of org holds.
KINDS_FOR = {
    OrgType.BRANCH: {
        Kind.BRANCH_GENERAL,
        Kind.COMMITTEE,
        Kind.LECTURE,
        Kind.THEME_DAY,
        Kind.LIFE_MEETING,
        Kind.APPRAISAL,
        Kind.TALK,
    },
    OrgType.PARTY_GROUP: {Kind.GROUP, Kind.THEME_DAY, Kind.TALK},
    OrgType.ORGAN_COMMITTEE: {
        Kind.CENTER_GROUP,
        Kind.LECTURE,
        Kind.COMMITTEE,
        Kind.LIFE_MEETING,
        Kind.TALK,
    },
    OrgType.GENERAL_BRANCH: {
        Kind.COMMITTEE,
        Kind.LECTURE,
        Kind.BRANCH_GENERAL,
        Kind.CENTER_GROUP,
        Kind.TALK,
    },
}
KINDS_FOR[OrgType.JOINT_BRANCH] = KINDS_FOR[OrgType.BRANCH]
KINDS_FOR[OrgType.BASIC_COMMITTEE] = KINDS_FOR[OrgType.ORGAN_COMMITTEE]
KINDS_FOR[OrgType.WORKING_COMMITTEE] = KINDS_FOR[OrgType.ORGAN_COMMITTEE]


def require_meeting_writer(actor, org) -> None:
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied("您没有记录该组织组织生活的权限")


def expected_members(org) -> list[Member]:
    """Current members who are expected: a branch's roll, or a party group's members."""
    members = Member.objects.filter(status__in=CURRENT_STATUSES)
    if org.org_type == OrgType.PARTY_GROUP:
        members = members.filter(party_group=org)
    elif org.org_type in BRANCH_TYPES:
        members = members.filter(org=org)
    else:
        return []
    return list(members.order_by("name", "id"))


@dataclass(frozen=True)
class Committee:
    """Who sits on an org's committee: by record where the seat is linked to a member, by name
    where it is not (people outside the roll, seats typed before records were linked)."""

    member_ids: frozenset[int] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def of_seats(cls, seats) -> "Committee":
        """From (member_id, name) pairs."""
        seats = list(seats)
        return cls(
            frozenset(member_id for member_id, _ in seats if member_id is not None),
            frozenset(name for member_id, name in seats if member_id is None),
        )

    def __len__(self) -> int:
        return len(self.member_ids) + len(self.names)

    def includes(self, member: Member) -> bool:
        return member.id in self.member_ids or member.name in self.names

    def attendance_q(self) -> Q:
        return Q(member_id__in=self.member_ids) | Q(member__name__in=self.names)


def committee_of(org) -> Committee:
    return Committee.of_seats(org.committee.values_list("member_id", "name"))


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    status: str
    reason: str = ""


def _check_kind(org, kind: str) -> None:
    if kind not in KINDS_FOR.get(OrgType(org.org_type), set()):
        label = Kind(kind).label if kind in Kind.values else kind
        raise ApplicationError(f"{org.get_org_type_display()}不召开“{label}”", field="kind")
    if org.is_dissolved:
        raise ApplicationError(f"“{org.name}”已撤销", field="org")


def _check_held_on(org, held_on: date, today: date, prefix: str = "") -> None:
    """A meeting is held on a day that has come, and not before its org was established."""
    if held_on > today:
        raise ApplicationError("召开日期不能晚于今天；尚未召开的会议请保存为计划", field="held_on")
    if org.established_on and held_on < org.established_on:
        raise ApplicationError(
            f"{prefix}召开日期 {held_on:%Y-%m-%d} 早于“{org.name}”的成立日期"
            f" {org.established_on:%Y-%m-%d}",
            field="held_on",
        )


def _check_fields(meeting: Meeting) -> None:
    if not meeting.topic.strip():
        raise ApplicationError("请填写会议主题", field="topic")
    if meeting.first_topic and not meeting.first_topic_title.strip():
        raise ApplicationError("请填写第一议题学习的内容", field="first_topic_title")
    if (
        meeting.kind == Kind.LECTURE
        and meeting.status == MeetingStatus.HELD
        and not meeting.lecturer.strip()
    ):
        raise ApplicationError("党课须填写授课人", field="lecturer")
    if meeting.votes_for is not None and not meeting.votes:
        raise ApplicationError("没有表决事项时不填赞成票", field="votes_for")
    hours = meeting.duration_hours
    if hours is not None and not 0 < hours <= MAX_HOURS:
        raise ApplicationError(
            f"会议时长须大于 0 且不超过 {MAX_HOURS} 小时", field="duration_hours"
        )


@transaction.atomic
def meeting_plan(*, actor, org, kind: str, topic: str, planned_on: date, **fields) -> Meeting:
    require_meeting_writer(actor, org)
    _check_kind(org, kind)
    meeting = Meeting(
        org=org,
        kind=kind,
        topic=topic.strip(),
        planned_on=planned_on,
        **{k: v for k, v in fields.items() if k in MEETING_FIELDS},
    )
    meeting.held_on = None
    _check_fields(meeting)
    full_clean_or_refuse(meeting, MEETING_CLEAN_EXCLUDE)
    meeting.save()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, can_vote=m.category == Category.FULL)
        for m in _default_attendees(meeting)
    )
    audit(
        actor=actor,
        action="meeting.plan",
        target=meeting,
        changes=diff({}, snapshot(meeting, ["kind", "topic", "planned_on"])),
    )
    return meeting


def _default_attendees(meeting: Meeting) -> list[Member]:
    members = expected_members(meeting.org)
    if meeting.kind == Kind.COMMITTEE:
        committee = committee_of(meeting.org)
        members = [m for m in members if committee.includes(m)]
    return members


@transaction.atomic
def meeting_record(
    *,
    actor,
    meeting: Meeting,
    held_on: date,
    attendance: list[AttendanceRow] | None = None,
    **fields,
) -> Meeting:
    """Record a planned meeting as held, with attendance; the voting rules are checked here."""
    require_meeting_writer(actor, meeting.org)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("已取消的会议不能记录为已召开")
    before = snapshot(meeting, [*MEETING_FIELDS, "status"])
    for name, value in fields.items():
        if name in MEETING_FIELDS:
            setattr(meeting, name, value)
    _check_kind(meeting.org, meeting.kind)  # a correction may fix the kind
    meeting.held_on = held_on
    meeting.status = MeetingStatus.HELD
    _check_held_on(meeting.org, held_on, timezone.localdate())
    _check_fields(meeting)
    full_clean_or_refuse(meeting, MEETING_CLEAN_EXCLUDE)
    meeting.save()
    if attendance is not None:
        _replace_attendance(meeting, attendance)
    check_voting_rules(meeting)
    changes = diff(before, snapshot(meeting, [*MEETING_FIELDS, "status"]))
    action = "meeting.record" if before["status"] != MeetingStatus.HELD else "meeting.correct"
    audit(actor=actor, action=action, target=meeting, changes=changes)
    return meeting


def _checked_rows(
    rows: list[AttendanceRow], allowed: dict[int, Member], prefix: str = ""
) -> list[tuple[Member, str, str]]:
    """(member, status, reason) per row; refused on a member from elsewhere, a member twice,
    an unknown status or an absence without a reason."""
    seen = set()
    checked = []
    for row in rows:
        if row.member_id in seen:
            raise ApplicationError(f"{prefix}同一名党员不能重复登记出席情况", field="attendance")
        seen.add(row.member_id)
        member = allowed.get(row.member_id)
        if member is None:
            raise ApplicationError(f"{prefix}出席名单中有不属于本组织的党员", field="attendance")
        if row.status not in Attendance.Status.values:
            raise ApplicationError(f"{prefix}出席情况须为出席、缺席或请假", field="attendance")
        if row.status != Attendance.Status.PRESENT and not row.reason.strip():
            raise ApplicationError(
                f"{prefix}请填写 {member.name} 缺席或请假的原因", field="attendance"
            )
        checked.append((member, row.status, row.reason.strip()))
    return checked


def _replace_attendance(meeting: Meeting, rows: list[AttendanceRow]) -> None:
    allowed = {m.id: m for m in expected_members(meeting.org)}
    allowed.update({a.member_id: a.member for a in meeting.attendance.select_related("member")})
    records = [
        Attendance(
            meeting=meeting,
            member=member,
            status=status,
            reason=reason,
            can_vote=member.category == Category.FULL,
        )
        for member, status, reason in _checked_rows(rows, allowed)
    ]
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(records)


@dataclass(frozen=True)
class Turnout:
    expected: int
    present: int
    voting_expected: int
    voting_present: int


def count_turnout(rows: list[tuple[str, bool]]) -> Turnout:
    """Turnout from (status, can_vote) pairs."""
    present = [can_vote for status, can_vote in rows if status == Attendance.Status.PRESENT]
    return Turnout(
        len(rows), len(present), sum(1 for _, v in rows if v), sum(1 for v in present if v)
    )


def turnout(meeting: Meeting) -> Turnout:
    return count_turnout(list(meeting.attendance.values_list("status", "can_vote")))


def voting_problem(
    meeting: Meeting, counts: Turnout, committee_size: int, committee_present: int
) -> ApplicationError | None:
    """支部党员大会 that votes: more than half of voting members present, a resolution more than
    half of those entitled to vote; 支委会: more than half of the committee present.
    Probationary members attend but do not vote."""
    if meeting.status != MeetingStatus.HELD:
        return None
    if meeting.kind == Kind.BRANCH_GENERAL and meeting.votes:
        if counts.voting_present * 2 <= counts.voting_expected:
            return ApplicationError(
                f"支部党员大会出席人数未过半，不能表决：应到有表决权的党员 {counts.voting_expected} 人，实到 {counts.voting_present} 人",
                field="attendance",
            )
        if meeting.votes_for is not None and meeting.votes_for * 2 <= counts.voting_expected:
            return ApplicationError(
                f"决议须经应到会有表决权党员的半数以上同意：应到 {counts.voting_expected} 人，赞成 {meeting.votes_for} 人，决议未通过",
                field="votes_for",
            )
        if meeting.votes_for is not None and meeting.votes_for > counts.voting_present:
            return ApplicationError("赞成票多于到会有表决权的党员人数，请核对", field="votes_for")
    if (
        meeting.kind == Kind.COMMITTEE
        and committee_size
        and committee_present * 2 <= committee_size
    ):
        return ApplicationError(
            f"支部委员会会议须有半数以上委员到会：委员 {committee_size} 人，到会 {committee_present} 人（班子成员须是本支部在册党员）",
            field="attendance",
        )
    return None


def check_voting_rules(meeting: Meeting) -> None:
    committee = committee_of(meeting.org) if meeting.kind == Kind.COMMITTEE else Committee()
    present = (
        meeting.attendance.filter(
            committee.attendance_q(), status=Attendance.Status.PRESENT
        ).count()
        if committee
        else 0
    )
    counts = turnout(meeting)
    if meeting.kind == Kind.BRANCH_GENERAL and meeting.votes:
        counts = with_roll(counts, voting_on_roll(meeting.org))
    problem = voting_problem(meeting, counts, len(committee), present)
    if problem is not None:
        raise problem


def voting_on_roll(org) -> int:
    """Full members on the branch's roll: the quorum counts them even if left off the list."""
    return Member.objects.filter(
        org=org, status__in=CURRENT_STATUSES, category=Category.FULL
    ).count()


def with_roll(counts: Turnout, on_roll: int) -> Turnout:
    return replace(counts, voting_expected=max(counts.voting_expected, on_roll))


@transaction.atomic
def meeting_create_held(
    *,
    actor,
    org,
    kind: str,
    topic: str,
    held_on: date,
    attendance: list[AttendanceRow] | None = None,
    **fields,
) -> Meeting:
    """Record a meeting that was not planned in the system beforehand."""
    require_meeting_writer(actor, org)
    _check_kind(org, kind)
    _check_held_on(org, held_on, timezone.localdate())
    planned_on = fields.pop("planned_on", None) or held_on
    meeting = Meeting(
        org=org,
        kind=kind,
        topic=topic.strip(),
        planned_on=planned_on,
        held_on=held_on,
        status=MeetingStatus.HELD,
    )
    for name, value in fields.items():
        if name in MEETING_FIELDS:
            setattr(meeting, name, value)
    _check_fields(meeting)
    full_clean_or_refuse(meeting, MEETING_CLEAN_EXCLUDE)
    meeting.save()
    if attendance is None:
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=m, can_vote=m.category == Category.FULL)
            for m in _default_attendees(meeting)
        )
    else:
        _replace_attendance(meeting, attendance)
    check_voting_rules(meeting)
    audit(
        actor=actor,
        action="meeting.record",
        target=meeting,
        changes=diff({}, snapshot(meeting, ["kind", "topic", "held_on"])),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, actor, meeting: Meeting, attendance: list[AttendanceRow] | None = None, **fields
) -> Meeting:
    """Change a planned meeting, or correct a held one (the correction is audited)."""
    if meeting.status == MeetingStatus.HELD:
        return meeting_record(
            actor=actor,
            meeting=meeting,
            held_on=fields.pop("held_on", None) or meeting.held_on,
            attendance=attendance,
            **fields,
        )
    require_meeting_writer(actor, meeting.org)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("已取消的会议不能修改")
    before = snapshot(meeting, MEETING_FIELDS)
    for name, value in fields.items():
        if name in MEETING_FIELDS and name not in ("held_on",):
            setattr(meeting, name, value)
    _check_kind(meeting.org, meeting.kind)
    _check_fields(meeting)
    full_clean_or_refuse(meeting, MEETING_CLEAN_EXCLUDE)
    meeting.save()
    if attendance is not None:
        _replace_attendance(meeting, attendance)
    changes = diff(before, snapshot(meeting, MEETING_FIELDS))
    if changes:
        audit(actor=actor, action="meeting.update", target=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    require_meeting_writer(actor, meeting.org)
    if meeting.status != MeetingStatus.PLANNED:
        raise ApplicationError("只有计划中的会议可以取消")
    if not reason.strip():
        raise ApplicationError("请填写取消原因", field="reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit(actor=actor, action="meeting.cancel", target=meeting, detail=reason.strip())
    return meeting


@transaction.atomic
def attachment_add(*, actor, meeting: Meeting, upload) -> Attachment:
    require_meeting_writer(actor, meeting.org)
    checked = check_upload(
        upload,
        allowed=DOCUMENTS_AND_DOC,
        max_mb=20,
        field="file",
        type_message=f"只能上传 {'、'.join(DOCUMENTS_AND_DOC)} 格式的文件",
        size_message="单个附件不能超过 20 MB",
    )
    attachment = Attachment(
        meeting=meeting,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(checked.stored_name, upload, save=False)
    attachment.save()
    audit(actor=actor, action="meeting.attach", target=meeting, detail=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    require_meeting_writer(actor, attachment.meeting.org)
    audit(
        actor=actor,
        action="meeting.detach",
        target=attachment.meeting,
        detail=attachment.original_name,
    )
    attachment.file.delete(save=False)
    attachment.delete()


@dataclass
class HeldRecord:
    """One held meeting for meetings_record_bulk (a ledger import or the demo)."""

    org: object
    kind: str
    topic: str
    held_on: date
    fields: dict
    attendance: list[AttendanceRow] | None = None


@transaction.atomic
def meetings_record_bulk(*, actor, records: list[HeldRecord]) -> int:
    """Record many held meetings at once with the same rules as one by one, in a fixed number
    of queries: any refused record refuses the whole batch."""
    orgs = {r.org.pk: r.org for r in records}
    for org in orgs.values():
        require_meeting_writer(actor, org)
    members = _members_by_org(list(orgs.values()))
    seats: dict[int, list[tuple[int | None, str]]] = {}
    for org_id, member_id, name in CommitteeSeat.objects.filter(org__in=list(orgs)).values_list(
        "org_id", "member_id", "name"
    ):
        seats.setdefault(org_id, []).append((member_id, name))
    committees = {org_id: Committee.of_seats(pairs) for org_id, pairs in seats.items()}
    today = timezone.localdate()
    meetings, attendance = [], []
    for record in records:
        meeting, rows = _held_meeting(
            record,
            members.get(record.org.pk, {}),
            committees.get(record.org.pk, Committee()),
            today,
        )
        meetings.append(meeting)
        attendance.append(rows)
    Meeting.objects.bulk_create(meetings)
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=member,
            status=status,
            reason=reason,
            can_vote=member.category == Category.FULL,
        )
        for meeting, rows in zip(meetings, attendance, strict=True)
        for member, status, reason in rows
    )
    audit(actor=actor, action="meeting.import", detail=f"批量记录组织生活 {len(meetings)} 次")
    return len(meetings)


def _members_by_org(orgs) -> dict[int, dict[int, Member]]:
    """Expected members of each org: a branch's roll or a party group's members (one query)."""
    found: dict[int, dict[int, Member]] = {}
    current = Member.objects.filter(status__in=CURRENT_STATUSES)
    for member in current.filter(org__in=orgs) | current.filter(party_group__in=orgs):
        for org_id in (member.org_id, member.party_group_id):
            if org_id is not None:
                found.setdefault(org_id, {})[member.id] = member
    return {
        org.pk: found.get(org.pk, {})
        for org in orgs
        if org.org_type in (*BRANCH_TYPES, OrgType.PARTY_GROUP)
    }


def _held_meeting(
    record: HeldRecord, members: dict[int, Member], committee: Committee, today: date
):
    _check_kind(record.org, record.kind)
    if record.held_on > today:
        raise ApplicationError(
            f"{record.org.name} {record.held_on:%Y-%m-%d} 的会议召开日期晚于今天", field="held_on"
        )
    _check_held_on(record.org, record.held_on, today, prefix=f"{record.org.name} ")
    meeting = Meeting(
        org=record.org,
        kind=record.kind,
        topic=record.topic.strip(),
        planned_on=record.fields.get("planned_on") or record.held_on,
        held_on=record.held_on,
        status=MeetingStatus.HELD,
    )
    for name, value in record.fields.items():
        if name in MEETING_FIELDS and name not in ("kind", "topic", "held_on"):
            setattr(meeting, name, value)
    _check_fields(meeting)
    full_clean_or_refuse(meeting, MEETING_CLEAN_EXCLUDE)
    if record.attendance is None:
        expected = [
            m for m in members.values() if record.kind != Kind.COMMITTEE or committee.includes(m)
        ]
        rows = [(m, Attendance.Status.PRESENT, "") for m in expected]
    else:
        prefix = f"{record.org.name} {record.held_on:%Y-%m-%d}："
        rows = _checked_rows(record.attendance, members, prefix)
    counts = count_turnout(
        [(status, member.category == Category.FULL) for member, status, _ in rows]
    )
    if record.org.org_type in BRANCH_TYPES:
        counts = with_roll(counts, sum(1 for m in members.values() if m.category == Category.FULL))
    committee_present = sum(
        1
        for member, status, _ in rows
        if status == Attendance.Status.PRESENT and committee.includes(member)
    )
    problem = voting_problem(meeting, counts, len(committee), committee_present)
    if problem is not None:
        raise ApplicationError(
            f"{record.org.name} {record.held_on:%Y-%m-%d}：{problem.message}", field=problem.field
        )
    return meeting, rows
