"""The 我的 page: what a member sees of themselves, gathered from each module's scoped reads.

Only the composition package may read across modules like this; each part comes from the
owning app's selector and is limited to the actor's own record or the actor's scope."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from mofan.meetings.models import Attendance, MeetingStatus
from mofan.meetings.selectors import meeting_list
from mofan.members.models import Member
from mofan.members.selectors import (
    DuesOverview,
    member_dues_overview,
    my_member,
    pending_correction,
)
from mofan.plans.models import OPEN_STATUSES
from mofan.plans.selectors import task_list

RECENT = 12


@dataclass
class Mine:
    member: Member | None
    dues: DuesOverview | None = None
    correction: object = None
    attendance: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    notifications: list = field(default_factory=list)

    @property
    def attendance_rate(self) -> int | None:
        held = [a for a in self.attendance if a.meeting.status == MeetingStatus.HELD]
        if not held:
            return None
        present = sum(1 for a in held if a.status == Attendance.Status.PRESENT)
        return round(100 * present / len(held))


def my_attendance(member: Member) -> list[Attendance]:
    """The member's own attendance at held meetings, newest first (their own rows only)."""
    rows = Attendance.objects.filter(member=member, meeting__status=MeetingStatus.HELD)
    return list(rows.select_related("meeting__org").order_by("-meeting__held_on")[:RECENT])


def my_upcoming_meetings(*, actor, member: Member, today: date):
    meetings = meeting_list(actor=actor).filter(
        status=MeetingStatus.PLANNED, planned_on__gte=today, attendance__member=member
    )
    return list(meetings.order_by("planned_on", "id")[:RECENT])


def my_tasks(*, actor, member: Member):
    """Open tasks the member's branch owns or that name the member among those responsible."""
    tasks = task_list(actor=actor).filter(status__in=OPEN_STATUSES)
    tasks = tasks.filter(Q(owner_org_id=member.org_id) | Q(owner_people__contains=member.name))
    return list(tasks.order_by("deadline", "id")[:RECENT])


def mine(*, actor, today: date) -> Mine:
    notifications = list(actor.notifications.filter(read_at__isnull=True)[:5])
    member = my_member(actor=actor)
    if member is None:
        return Mine(None, notifications=notifications)
    return Mine(
        member,
        dues=member_dues_overview(member, today),
        correction=pending_correction(member),
        attendance=my_attendance(member),
        upcoming=my_upcoming_meetings(actor=actor, member=member, today=today),
        tasks=my_tasks(actor=actor, member=member),
        notifications=notifications,
    )
