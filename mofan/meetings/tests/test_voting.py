"""The voting rules (DOMAIN.md "Organisational life"): a 支部党员大会 that votes needs more than
half of the voting members present, a resolution more than half of those entitled to vote, a
支委会 more than half of the committee; probationary members attend but do not vote. The same
rules hold one by one, on correction and in a bulk import (which then records nothing)."""

from datetime import timedelta

import pytest

from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.meetings import services
from mofan.meetings.models import Attendance, Kind, Meeting, MeetingStatus
from mofan.meetings.services import AttendanceRow, HeldRecord
from mofan.meetings.tests.conftest import present

QUORUM = "支部党员大会出席人数未过半，不能表决"
RESOLUTION = "决议须经应到会有表决权党员的半数以上同意"
COMMITTEE = "支部委员会会议须有半数以上委员到会"


@pytest.fixture
def general_meeting(tree, users, yesterday):
    """general_meeting(attendance, votes=True, votes_for=None) records a 支部党员大会."""

    def _record(attendance, votes=True, votes_for=None):
        return services.meeting_create_held(
            actor=users.secretary,
            org=tree.branch,
            kind=Kind.BRANCH_GENERAL,
            topic="讨论接收预备党员",
            held_on=yesterday,
            votes=votes,
            votes_for=votes_for,
            attendance=attendance,
        )

    return _record


@pytest.mark.parametrize(
    ("voting", "there", "allowed"),
    [(10, 5, False), (10, 6, True), (9, 4, False), (9, 5, True), (2, 1, False), (1, 1, True)],
)
def test_it_needs_more_than_half_of_the_voting_members_present_to_vote(
    tree, roll, general_meeting, voting, there, allowed
):
    people = roll(tree.branch, voting)
    if allowed:
        meeting = general_meeting(present(people, there))
        assert meeting.status == MeetingStatus.HELD
    else:
        with pytest.raises(ApplicationError, match=QUORUM) as caught:
            general_meeting(present(people, there))
        assert f"应到有表决权的党员 {voting} 人，实到 {there} 人" in caught.value.message
        assert caught.value.field == "attendance"
        assert not Meeting.objects.exists()


def test_it_records_a_general_meeting_without_a_vote_below_half(tree, roll, general_meeting):
    people = roll(tree.branch, 10)
    meeting = general_meeting(present(people, 2), votes=False)
    assert meeting.status == MeetingStatus.HELD
    assert services.turnout(meeting).present == 2


def test_it_does_not_count_probationary_members_towards_the_quorum(tree, roll, general_meeting):
    *full, p1, p2, p3, p4 = roll(tree.branch, 4, probationary=4)
    # 6 of 8 people there, but only 2 of the 4 who vote: refused
    rows = present(full, 2) + present([p1, p2, p3, p4])
    with pytest.raises(ApplicationError, match="应到有表决权的党员 4 人，实到 2 人"):
        general_meeting(rows)

    # 3 of the 4 who vote, no probationary member there: allowed
    rows = present(full, 3) + present([p1, p2, p3, p4], 0)
    meeting = general_meeting(rows)
    counts = services.turnout(meeting)
    assert (counts.expected, counts.present) == (8, 3)
    assert (counts.voting_expected, counts.voting_present) == (4, 3)


@pytest.mark.parametrize(("votes_for", "allowed"), [(4, False), (5, False), (6, True), (7, True)])
def test_it_passes_a_resolution_only_with_more_than_half_of_those_entitled_to_vote(
    tree, roll, general_meeting, votes_for, allowed
):
    people = roll(tree.branch, 10, probationary=2)
    rows = present(people[:10], 7) + present(people[10:])  # 7 of 10 voting members there
    if allowed:
        assert general_meeting(rows, votes_for=votes_for).votes_for == votes_for
    else:
        # 5 is more than half of the 7 present but not of the 10 entitled to vote
        with pytest.raises(ApplicationError, match=RESOLUTION) as caught:
            general_meeting(rows, votes_for=votes_for)
        assert f"应到 10 人，赞成 {votes_for} 人" in caught.value.message
        assert caught.value.field == "votes_for"
        assert not Meeting.objects.exists()


def test_it_refuses_more_votes_for_than_voting_members_present(tree, roll, general_meeting):
    people = roll(tree.branch, 10, probationary=3)
    rows = present(people[:10], 7) + present(people[10:])
    with pytest.raises(ApplicationError, match="赞成票多于到会有表决权的党员人数"):
        general_meeting(rows, votes_for=8)


def test_it_refuses_votes_for_when_nothing_is_voted_on(tree, roll, general_meeting):
    people = roll(tree.branch, 3)
    with pytest.raises(ApplicationError, match="没有表决事项时不填赞成票"):
        general_meeting(present(people), votes=False, votes_for=3)


@pytest.mark.parametrize(
    ("seats", "there", "allowed"), [(5, 2, False), (5, 3, True), (4, 2, False), (4, 3, True)]
)
def test_it_needs_more_than_half_of_the_committee_at_a_committee_meeting(
    tree, users, roll, seat, yesterday, seats, there, allowed
):
    people = roll(tree.branch, seats + 3)
    committee, others = people[:seats], people[seats:]
    for person in committee:
        seat(tree.branch, person)
    # everyone else turns up too: they are not on the committee and do not count
    rows = present(committee, there) + present(others)

    def record():
        return services.meeting_create_held(
            actor=users.secretary,
            org=tree.branch,
            kind=Kind.COMMITTEE,
            topic="研究发展党员工作",
            held_on=yesterday,
            attendance=rows,
        )

    if allowed:
        assert record().status == MeetingStatus.HELD
    else:
        with pytest.raises(ApplicationError, match=COMMITTEE) as caught:
            record()
        assert f"委员 {seats} 人，到会 {there} 人" in caught.value.message
        assert not Meeting.objects.exists()


def test_it_counts_a_committee_seat_by_the_members_name(tree, users, roll, seat, yesterday):
    a, b, c = roll(tree.branch, 3)
    seat(tree.branch, a, "secretary")
    seat(tree.branch, b)
    seat(tree.branch, c)
    meeting = services.meeting_plan(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.COMMITTEE,
        topic="支委会",
        planned_on=yesterday,
    )
    rows = [
        AttendanceRow(a.id, "present"),
        AttendanceRow(b.id, "leave", "出差"),
        AttendanceRow(c.id, "absent", "值班"),
    ]
    with pytest.raises(ApplicationError, match="委员 3 人，到会 1 人"):
        services.meeting_record(
            actor=users.secretary, meeting=meeting, held_on=yesterday, attendance=rows
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED

    rows[1] = AttendanceRow(b.id, "present")
    services.meeting_record(
        actor=users.secretary, meeting=meeting, held_on=yesterday, attendance=rows
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_it_checks_the_quorum_again_when_a_held_meeting_is_corrected(
    tree, users, roll, general_meeting
):
    people = roll(tree.branch, 6)
    meeting = general_meeting(present(people, 4), votes_for=4)
    with pytest.raises(ApplicationError, match=QUORUM):
        services.meeting_update(
            actor=users.secretary, meeting=meeting, attendance=present(people, 3)
        )
    meeting.refresh_from_db()
    assert services.turnout(meeting).present == 4
    assert not AuditLog.objects.filter(action="meeting.correct").exists()

    with pytest.raises(ApplicationError, match=RESOLUTION):
        services.meeting_update(actor=users.secretary, meeting=meeting, votes_for=3)
    meeting.refresh_from_db()
    assert meeting.votes_for == 4


def test_it_checks_the_quorum_when_a_planned_meeting_is_recorded_with_the_default_roll(
    tree, users, roll, yesterday
):
    people = roll(tree.branch, 4)
    meeting = services.meeting_plan(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.BRANCH_GENERAL,
        topic="党员大会",
        planned_on=yesterday,
        votes=True,
    )
    # the expected roll is marked present by default, so a vote is allowed without changes
    services.meeting_record(actor=users.secretary, meeting=meeting, held_on=yesterday, votes_for=3)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.votes_for) == (MeetingStatus.HELD, 3)
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == len(people)


# --- meetings_record_bulk -----------------------------------------------------------------


def bulk_record(org, kind, held_on, attendance=None, **fields):
    return HeldRecord(org, kind, f"{kind} 会议", held_on, fields, attendance)


def test_it_records_a_batch_of_held_meetings_with_one_audit_row(tree, users, roll, seat, yesterday):
    people = roll(tree.branch, 4, probationary=1)
    seat(tree.branch, people[0], "secretary")
    seat(tree.branch, people[1])
    others = roll(tree.other_branch, 2)
    count = services.meetings_record_bulk(
        actor=users.unit_admin,
        records=[
            bulk_record(
                tree.branch, Kind.BRANCH_GENERAL, yesterday, present(people, 3), votes=True
            ),
            bulk_record(tree.branch, Kind.COMMITTEE, yesterday),
            bulk_record(tree.other_branch, Kind.THEME_DAY, yesterday, present(others, 1)),
        ],
    )

    assert count == 3
    general, committee = (
        Meeting.objects.get(org=tree.branch, kind=k) for k in (Kind.BRANCH_GENERAL, Kind.COMMITTEE)
    )
    assert services.turnout(general) == services.Turnout(5, 3, 4, 3)
    assert set(committee.attendance.values_list("member_id", flat=True)) == {
        people[0].id,
        people[1].id,
    }
    theme = Meeting.objects.get(org=tree.other_branch)
    assert dict(theme.attendance.values_list("member_id", "reason")) == {
        others[0].id: "",
        others[1].id: "出差",
    }
    assert set(Meeting.objects.values_list("status", flat=True)) == {MeetingStatus.HELD}
    [log] = AuditLog.objects.filter(action="meeting.import")
    assert "3" in log.detail


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("quorum", QUORUM),
        ("probationary", QUORUM),
        ("resolution", RESOLUTION),
        ("committee", COMMITTEE),
        ("reason", "缺席或请假的原因"),
        ("twice", "重复"),
        ("stranger", "不属于本组织"),
        ("kind", "党支部不召开“党小组会”"),
        ("future", "晚于今天"),
    ],
)
def test_it_refuses_the_whole_batch_when_one_meeting_breaks_a_rule(
    tree, users, roll, seat, make_member, today, yesterday, case, message
):
    people = roll(tree.branch, 4, probationary=4)
    full, probationary = people[:4], people[4:]
    for person in full[:3]:
        seat(tree.branch, person)
    good = bulk_record(tree.branch, Kind.THEME_DAY, yesterday)
    bad = {
        "quorum": bulk_record(
            tree.branch, Kind.BRANCH_GENERAL, yesterday, present(full, 2), votes=True
        ),
        "probationary": bulk_record(
            tree.branch,
            Kind.BRANCH_GENERAL,
            yesterday,
            present(full, 2) + present(probationary),
            votes=True,
        ),
        "resolution": bulk_record(
            tree.branch, Kind.BRANCH_GENERAL, yesterday, present(full), votes=True, votes_for=2
        ),
        "committee": bulk_record(tree.branch, Kind.COMMITTEE, yesterday, present(full, 1)),
        "reason": bulk_record(
            tree.branch, Kind.THEME_DAY, yesterday, [AttendanceRow(full[0].id, "absent")]
        ),
        "twice": bulk_record(
            tree.branch,
            Kind.THEME_DAY,
            yesterday,
            [AttendanceRow(full[0].id, "present"), AttendanceRow(full[0].id, "present")],
        ),
        "stranger": bulk_record(
            tree.branch,
            Kind.THEME_DAY,
            yesterday,
            [AttendanceRow(make_member(tree.other_branch).id, "present")],
        ),
        "kind": bulk_record(tree.branch, Kind.GROUP, yesterday),
        "future": bulk_record(tree.branch, Kind.THEME_DAY, today + timedelta(days=1)),
    }[case]

    with pytest.raises(ApplicationError, match=message) as caught:
        services.meetings_record_bulk(actor=users.secretary, records=[good, bad, good])
    assert tree.branch.name in caught.value.message or case == "kind"
    assert not Meeting.objects.exists()
    assert not AuditLog.objects.filter(action="meeting.import").exists()


def test_it_applies_the_same_quorum_in_a_batch_as_one_by_one(tree, users, roll, yesterday):
    people = roll(tree.branch, 6)
    allowed = bulk_record(
        tree.branch, Kind.BRANCH_GENERAL, yesterday, present(people, 4), votes=True
    )
    assert services.meetings_record_bulk(actor=users.secretary, records=[allowed]) == 1

    refused = bulk_record(
        tree.branch, Kind.BRANCH_GENERAL, yesterday, present(people, 3), votes=True
    )
    with pytest.raises(ApplicationError, match="应到有表决权的党员 6 人，实到 3 人"):
        services.meetings_record_bulk(actor=users.secretary, records=[refused])
    assert Meeting.objects.count() == 1


def test_it_counts_the_whole_roll_even_when_members_are_left_off_the_list(
    tree, roll, general_meeting
):
    people = roll(tree.branch, 10)
    only_some = present(people[:5], 4)  # five left off, four of the five listed present
    with pytest.raises(ApplicationError, match=QUORUM) as caught:
        general_meeting(only_some)
    assert "应到有表决权的党员 10 人，实到 4 人" in caught.value.message
    assert not Meeting.objects.exists()
