"""The 支委会 quorum counts committee members by record where the seat is linked to one: a
namesake on the roll does not count, a renamed member still does; seats typed by name only
count by name as before. One by one, on correction and in bulk the same."""

from datetime import date

import pytest

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.meetings import services
from mofan.meetings.models import Kind, MeetingStatus
from mofan.meetings.services import AttendanceRow, Committee, HeldRecord, committee_of
from mofan.meetings.tests.conftest import present
from mofan.members.services import member_update
from mofan.orgs.services import committee_seat_add

COMMITTEE = "支部委员会会议须有半数以上委员到会"


@pytest.fixture
def linked_committee(tree, make_member):
    people = [make_member(tree.branch, name=name) for name in ("赵强", "钱勇", "孙丽")]
    for person in people:
        committee_seat_add(
            actor=SYSTEM, org=tree.branch, name="", post="member", member_id=person.id
        )
    return people


def committee_meeting(tree, users, yesterday, attendance):
    return services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.COMMITTEE,
        topic="支委会",
        held_on=yesterday,
        attendance=attendance,
    )


def test_a_namesake_on_the_roll_does_not_count_for_a_linked_seat(
    tree, users, yesterday, linked_committee, make_member
):
    namesake = make_member(tree.branch, name="赵强")
    zhao, qian, sun = linked_committee
    rows = [*present([zhao]), *present([qian, sun], 0), *present([namesake])]
    with pytest.raises(ApplicationError, match=f"{COMMITTEE}：委员 3 人，到会 1 人"):
        committee_meeting(tree, users, yesterday, rows)


def test_a_renamed_member_still_counts_by_record(tree, users, yesterday, linked_committee):
    zhao, qian, sun = linked_committee
    member_update(actor=SYSTEM, member=zhao, name="赵刚")
    meeting = committee_meeting(
        tree, users, yesterday, [*present([zhao, qian]), *present([sun], 0)]
    )
    assert meeting.status == MeetingStatus.HELD


def test_a_planned_committee_meeting_expects_the_linked_members(
    tree, linked_committee, make_member
):
    make_member(tree.branch, name="赵强")  # a namesake is not expected
    meeting = services.meeting_plan(
        actor=SYSTEM, org=tree.branch, kind=Kind.COMMITTEE, topic="支委会", planned_on=date.today()
    )
    assert set(meeting.attendance.values_list("member_id", flat=True)) == {
        p.id for p in linked_committee
    }


def test_linked_and_typed_seats_count_together(
    tree, users, yesterday, linked_committee, make_member
):
    guest = make_member(tree.branch, name="李外")
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="李外", post="member")  # typed only
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="王外", post="member")  # off the roll
    committee = committee_of(tree.branch)
    assert len(committee) == 5 and committee.includes(guest)
    zhao, qian, sun = linked_committee
    with pytest.raises(ApplicationError, match="委员 5 人，到会 2 人"):
        committee_meeting(
            tree, users, yesterday, [*present([zhao, guest]), *present([qian, sun], 0)]
        )
    meeting = committee_meeting(
        tree, users, yesterday, [*present([zhao, qian, guest]), *present([sun], 0)]
    )
    assert meeting.status == MeetingStatus.HELD


def test_a_correction_counts_by_record(tree, users, yesterday, linked_committee, make_member):
    namesake = make_member(tree.branch, name="钱勇")
    zhao, qian, sun = linked_committee
    meeting = committee_meeting(
        tree, users, yesterday, [*present([zhao, qian]), *present([sun], 0)]
    )
    rows = [
        AttendanceRow(zhao.id, "present"),
        AttendanceRow(qian.id, "leave", "出差"),
        AttendanceRow(sun.id, "leave", "出差"),
        AttendanceRow(namesake.id, "present"),
    ]
    with pytest.raises(ApplicationError, match="委员 3 人，到会 1 人"):
        services.meeting_update(actor=users.secretary, meeting=meeting, attendance=rows)


def test_the_bulk_record_counts_by_record(tree, users, yesterday, linked_committee, make_member):
    namesake = make_member(tree.branch, name="孙丽")
    zhao, qian, sun = linked_committee
    record = HeldRecord(
        tree.branch,
        Kind.COMMITTEE,
        "支委会",
        yesterday,
        {},
        [*present([zhao, namesake]), *present([qian, sun], 0)],
    )
    with pytest.raises(ApplicationError, match="委员 3 人，到会 1 人"):
        services.meetings_record_bulk(actor=users.secretary, records=[record])


def test_an_empty_committee_is_empty():
    assert not Committee() and len(Committee.of_seats([(None, "甲"), (7, "乙")])) == 2


def test_an_approved_election_links_seats_to_the_only_member_of_that_name(tree, users, make_member):
    from mofan.meetings.elections import election_approve, election_record
    from mofan.orgs.models import CommitteeSeat

    zhang = make_member(tree.branch, name="张伟")
    make_member(tree.branch, name="李娜")
    make_member(tree.branch, name="李娜")  # namesakes: left for the admin to link
    election = election_record(
        actor=users.secretary,
        org=tree.branch,
        held_on=date(2026, 3, 20),
        method="competitive",
        voters=21,
        ballots=21,
        elected=[
            ("张伟", "secretary", 20),
            ("李娜", "organisation", 18),
            ("王芳", "publicity", 15),
        ],
    )
    election_approve(actor=users.unit_admin, election=election, on=date(2026, 4, 1))
    seats = dict(CommitteeSeat.objects.filter(org=tree.branch).values_list("name", "member_id"))
    assert seats == {"张伟": zhang.id, "李娜": None, "王芳": None}
