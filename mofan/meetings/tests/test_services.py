"""Meeting records through the services: plan → held → corrected, cancel, the kinds each org
holds, the required fields, attendance with reasons, attachments, and an audit row per write."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.core.uploads import FILE_TYPES
from mofan.meetings import services
from mofan.meetings.models import Attachment, Attendance, Kind, Meeting, MeetingStatus
from mofan.meetings.services import AttendanceRow
from mofan.meetings.tests.conftest import present
from mofan.members.models import Category
from mofan.orgs.services import org_dissolve
from mofan.site.tests.factories import DOC, JPEG, PDF, PNG, XLSX


def plan(actor, org, kind=Kind.BRANCH_GENERAL, planned_on=None, **fields):
    return services.meeting_plan(
        actor=actor,
        org=org,
        kind=kind,
        topic=fields.pop("topic", "学习贯彻党的二十届四中全会精神"),
        planned_on=planned_on or timezone.localdate(),
        **fields,
    )


def audits(action, meeting=None):
    logs = AuditLog.objects.filter(action=action)
    if meeting is not None:
        logs = logs.filter(target_type="meetings.meeting", target_id=str(meeting.pk))
    return list(logs)


def statuses(meeting) -> dict[str, tuple[str, str]]:
    return {
        a.member.name: (a.status, a.reason) for a in meeting.attendance.select_related("member")
    }


# --- plan ---------------------------------------------------------------------------------


def test_it_plans_a_meeting_expecting_every_current_member_of_the_branch(
    tree, users, roll, make_member
):
    people = roll(tree.branch, 3, probationary=1)
    make_member(tree.other_branch)
    meeting = plan(users.secretary, tree.branch)

    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.held_on is None
    rows = {a.member_id: a for a in meeting.attendance.all()}
    assert set(rows) == {m.id for m in people}
    assert [rows[m.id].can_vote for m in people] == [True, True, True, False]
    [log] = audits("meeting.plan", meeting)
    assert log.user == users.secretary
    assert log.changes["kind"] == [None, Kind.BRANCH_GENERAL]


def test_it_expects_only_the_committee_at_a_planned_committee_meeting(tree, users, roll, seat):
    people = roll(tree.branch, 4)
    seat(tree.branch, people[0], "secretary")
    seat(tree.branch, people[1])
    meeting = plan(users.secretary, tree.branch, kind=Kind.COMMITTEE)
    assert set(meeting.attendance.values_list("member_id", flat=True)) == {
        people[0].id,
        people[1].id,
    }


def test_it_expects_only_the_groups_members_at_a_party_group_meeting(tree, users, make_member):
    in_group = make_member(tree.branch, party_group=tree.group)
    make_member(tree.branch)
    meeting = plan(users.secretary, tree.group, kind=Kind.GROUP)
    assert list(meeting.attendance.values_list("member_id", flat=True)) == [in_group.id]


@pytest.mark.parametrize(
    ("org_name", "kind", "message"),
    [
        ("branch", Kind.GROUP, "党支部不召开“党小组会”"),
        ("group", Kind.BRANCH_GENERAL, "党小组不召开“支部党员大会”"),
        ("unit", Kind.THEME_DAY, "机关党委不召开“主题党日”"),
        ("branch", Kind.CENTER_GROUP, "党支部不召开“理论学习中心组学习”"),
    ],
)
def test_it_refuses_a_kind_the_org_does_not_hold(tree, users, org_name, kind, message):
    with pytest.raises(ApplicationError, match=message):
        plan(users.committee_admin, getattr(tree, org_name), kind=kind)
    assert not Meeting.objects.exists()


def test_it_refuses_a_kind_that_does_not_exist_with_a_chinese_message(tree, users):
    with pytest.raises(ApplicationError, match="不召开"):
        plan(users.secretary, tree.branch, kind="party")


def test_it_refuses_meetings_for_a_dissolved_org(tree, users, today):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, on=today, reason="机构改革")
    with pytest.raises(ApplicationError, match="已撤销"):
        plan(users.committee_admin, tree.other_branch)


def test_it_refuses_a_meeting_without_a_topic(tree, users):
    with pytest.raises(ApplicationError, match="请填写会议主题"):
        plan(users.secretary, tree.branch, topic="   ")


def test_it_needs_the_first_topics_title_when_the_first_topic_is_ticked(tree, users):
    with pytest.raises(ApplicationError, match="第一议题") as caught:
        plan(users.secretary, tree.branch, first_topic=True, first_topic_title=" ")
    assert caught.value.field == "first_topic_title"

    meeting = plan(
        users.secretary, tree.branch, first_topic=True, first_topic_title="学习总书记重要讲话"
    )
    assert meeting.first_topic_title == "学习总书记重要讲话"


@pytest.mark.parametrize("role", ["leader", "member", "outsider"])
def test_it_refuses_to_plan_for_users_who_do_not_record_the_branchs_meetings(tree, users, role):
    with pytest.raises(PermissionDenied):
        plan(getattr(users, role), tree.branch)
    assert not Meeting.objects.exists()


def test_it_lets_the_unit_admin_plan_for_a_branch_below(tree, users):
    assert plan(users.unit_admin, tree.branch).org == tree.branch


# --- record as held -----------------------------------------------------------------------


def test_it_records_a_planned_meeting_as_held_with_attendance(tree, users, roll, yesterday):
    a, b, c = roll(tree.branch, 3)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    services.meeting_record(
        actor=users.secretary,
        meeting=meeting,
        held_on=yesterday,
        place="三楼会议室",
        attendance=[
            AttendanceRow(a.id, Attendance.Status.PRESENT),
            AttendanceRow(b.id, Attendance.Status.ABSENT, " 值班 "),
            AttendanceRow(c.id, Attendance.Status.LEAVE, "病假"),
        ],
    )

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.held_on == yesterday
    assert meeting.place == "三楼会议室"
    assert statuses(meeting) == {
        a.name: ("present", ""),
        b.name: ("absent", "值班"),
        c.name: ("leave", "病假"),
    }
    [log] = audits("meeting.record", meeting)
    assert log.changes["status"] == [MeetingStatus.PLANNED, MeetingStatus.HELD]
    assert log.changes["held_on"] == [None, yesterday.isoformat()]


@pytest.mark.parametrize("status", [Attendance.Status.ABSENT, Attendance.Status.LEAVE])
def test_it_needs_a_reason_for_an_absence_or_leave(tree, users, roll, yesterday, status):
    a, b = roll(tree.branch, 2)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    rows = [AttendanceRow(a.id, "present"), AttendanceRow(b.id, status, "  ")]
    with pytest.raises(ApplicationError, match=f"请填写 {b.name} 缺席或请假的原因"):
        services.meeting_record(
            actor=users.secretary, meeting=meeting, held_on=yesterday, attendance=rows
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert statuses(meeting) == {a.name: ("present", ""), b.name: ("present", "")}
    assert not audits("meeting.record")


def test_it_refuses_an_attendee_from_another_branch(tree, users, roll, make_member, yesterday):
    [mine] = roll(tree.branch, 1)
    stranger = make_member(tree.other_branch)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="不属于本组织"):
        services.meeting_record(
            actor=users.secretary,
            meeting=meeting,
            held_on=yesterday,
            attendance=present([mine, stranger]),
        )


def test_it_refuses_the_same_member_twice(tree, users, roll, yesterday):
    [a] = roll(tree.branch, 1)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="重复"):
        services.meeting_record(
            actor=users.secretary,
            meeting=meeting,
            held_on=yesterday,
            attendance=[AttendanceRow(a.id, "present"), AttendanceRow(a.id, "leave", "出差")],
        )


def test_it_refuses_an_attendance_status_that_does_not_exist(tree, users, roll, yesterday):
    [a] = roll(tree.branch, 1)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="出席、缺席或请假"):
        services.meeting_record(
            actor=users.secretary,
            meeting=meeting,
            held_on=yesterday,
            attendance=[AttendanceRow(a.id, "late")],
        )


def test_it_refuses_a_held_date_in_the_future(tree, users, today):
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="召开日期不能晚于今天"):
        services.meeting_record(
            actor=users.secretary, meeting=meeting, held_on=today + timedelta(days=1)
        )
    with pytest.raises(ApplicationError, match="召开日期不能晚于今天"):
        services.meeting_create_held(
            actor=users.secretary,
            org=tree.branch,
            kind=Kind.THEME_DAY,
            topic="主题党日",
            held_on=today + timedelta(days=1),
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert Meeting.objects.count() == 1

    services.meeting_record(actor=users.secretary, meeting=meeting, held_on=today)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_it_needs_a_lecturer_when_a_lecture_is_held(tree, users, yesterday):
    meeting = plan(users.secretary, tree.branch, kind=Kind.LECTURE)  # planned: no lecturer yet
    with pytest.raises(ApplicationError, match="党课须填写授课人"):
        services.meeting_record(actor=users.secretary, meeting=meeting, held_on=yesterday)
    with pytest.raises(ApplicationError, match="党课须填写授课人"):
        services.meeting_create_held(
            actor=users.secretary,
            org=tree.branch,
            kind=Kind.LECTURE,
            topic="专题党课",
            held_on=yesterday,
        )
    services.meeting_record(
        actor=users.secretary, meeting=meeting, held_on=yesterday, lecturer="王书记"
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.lecturer) == (MeetingStatus.HELD, "王书记")


def test_it_records_an_unplanned_meeting_with_everyone_present_by_default(
    tree, users, roll, yesterday
):
    people = roll(tree.branch, 2, probationary=1)
    meeting = services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="重温入党誓词",
        held_on=yesterday,
    )
    assert meeting.planned_on == yesterday
    assert statuses(meeting) == {m.name: ("present", "") for m in people}
    assert audits("meeting.record", meeting)


def test_it_refuses_to_record_a_cancelled_meeting(tree, users, yesterday):
    meeting = plan(users.secretary, tree.branch)
    services.meeting_cancel(actor=users.secretary, meeting=meeting, reason="改期")
    with pytest.raises(ApplicationError, match="已取消"):
        services.meeting_record(actor=users.secretary, meeting=meeting, held_on=yesterday)
    with pytest.raises(ApplicationError, match="已取消"):
        services.meeting_update(actor=users.secretary, meeting=meeting, topic="新主题")


# --- correct later ------------------------------------------------------------------------


def test_it_audits_a_correction_of_a_held_meeting_with_before_and_after(
    tree, users, roll, yesterday
):
    a, b = roll(tree.branch, 2)
    meeting = services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="主题党日",
        held_on=yesterday,
        place="会议室",
    )
    earlier = yesterday - timedelta(days=3)
    services.meeting_update(
        actor=users.unit_admin,
        meeting=meeting,
        place="党员活动室",
        held_on=earlier,
        attendance=[AttendanceRow(a.id, "present"), AttendanceRow(b.id, "leave", "病假")],
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.place, meeting.held_on) == (
        MeetingStatus.HELD,
        "党员活动室",
        earlier,
    )
    assert statuses(meeting)[b.name] == ("leave", "病假")
    [log] = audits("meeting.correct", meeting)
    assert log.user == users.unit_admin
    assert log.changes["place"] == ["会议室", "党员活动室"]
    assert log.changes["held_on"] == [yesterday.isoformat(), earlier.isoformat()]
    assert "status" not in log.changes


def test_it_keeps_the_held_date_when_a_correction_leaves_it_out(tree, users, yesterday):
    meeting = services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="主题党日",
        held_on=yesterday,
    )
    services.meeting_update(actor=users.secretary, meeting=meeting, topic="主题党日活动")
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.held_on, meeting.status) == ("主题党日活动", yesterday, "held")


def test_it_updates_a_planned_meeting_and_audits_only_real_changes(tree, users, today):
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    services.meeting_update(actor=users.secretary, meeting=meeting, topic=meeting.topic)
    assert not audits("meeting.update")

    later = today + timedelta(days=7)
    services.meeting_update(actor=users.secretary, meeting=meeting, planned_on=later)
    meeting.refresh_from_db()
    assert meeting.planned_on == later
    [log] = audits("meeting.update", meeting)
    assert log.changes == {"planned_on": [today.isoformat(), later.isoformat()]}


def test_it_refuses_to_change_a_planned_meeting_to_a_kind_the_org_does_not_hold(tree, users):
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="党支部不召开“党小组会”"):
        services.meeting_update(actor=users.secretary, meeting=meeting, kind=Kind.GROUP)
    meeting.refresh_from_db()
    assert meeting.kind == Kind.THEME_DAY


# --- cancel -------------------------------------------------------------------------------


def test_it_cancels_a_planned_meeting_with_its_reason(tree, users):
    meeting = plan(users.secretary, tree.branch)
    services.meeting_cancel(actor=users.secretary, meeting=meeting, reason=" 与上级会议冲突 ")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (MeetingStatus.CANCELLED, "与上级会议冲突")
    [log] = audits("meeting.cancel", meeting)
    assert log.detail == "与上级会议冲突"


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_needs_a_reason_to_cancel(tree, users, reason):
    meeting = plan(users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="请填写取消原因"):
        services.meeting_cancel(actor=users.secretary, meeting=meeting, reason=reason)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_it_cancels_only_planned_meetings(tree, users, yesterday):
    held = services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="主题党日",
        held_on=yesterday,
    )
    with pytest.raises(ApplicationError, match="只有计划中的会议可以取消"):
        services.meeting_cancel(actor=users.secretary, meeting=held, reason="记错了")
    held.refresh_from_db()
    assert held.status == MeetingStatus.HELD
    assert not audits("meeting.cancel")


def test_it_refuses_a_cancel_by_a_leader(tree, users):
    meeting = plan(users.secretary, tree.branch)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(actor=users.leader, meeting=meeting, reason="改期")


# --- attachments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("会议记录.pdf", PDF, "application/pdf"),
        ("合影.PNG", PNG, "image/png"),
        ("现场.jpg", JPEG, "image/jpeg"),
        ("签到表.xlsx", XLSX, FILE_TYPES[".xlsx"][0]),
        ("记录.doc", DOC, "application/msword"),
    ],
)
def test_it_stores_an_attachment_under_a_safe_random_name(
    tree, users, media, name, content, content_type
):
    meeting = plan(users.secretary, tree.branch)
    attachment = services.attachment_add(
        actor=users.secretary, meeting=meeting, upload=SimpleUploadedFile(name, content)
    )

    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by == users.secretary
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg|xlsx|doc)", stored), stored
    assert (media / attachment.file.name).read_bytes() == content
    [log] = audits("meeting.attach", meeting)
    assert log.detail == name


def test_it_keeps_only_the_base_name_of_an_uploaded_path(tree, users, media):
    meeting = plan(users.secretary, tree.branch)
    attachment = services.attachment_add(
        actor=users.secretary,
        meeting=meeting,
        upload=SimpleUploadedFile("../../etc/记录.pdf", PDF),
    )
    assert attachment.original_name == "记录.pdf"
    assert ".." not in attachment.file.name
    assert (media / attachment.file.name).is_file()


@pytest.mark.parametrize("name", ["run.exe", "page.html", "script.js", "readme", "photo.gif"])
def test_it_refuses_a_file_type_that_is_not_allowed(tree, users, media, name):
    meeting = plan(users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="只能上传"):
        services.attachment_add(
            actor=users.secretary, meeting=meeting, upload=SimpleUploadedFile(name, PDF)
        )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("会议记录.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("合影.png", PDF),
        ("签到表.docx", b"<html><script>alert(1)</script>"),
        ("空文件.pdf", b""),
    ],
)
def test_it_refuses_a_file_whose_content_does_not_match_its_extension(
    tree, users, media, name, content
):
    meeting = plan(users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="文件内容与扩展名不符"):
        services.attachment_add(
            actor=users.secretary, meeting=meeting, upload=SimpleUploadedFile(name, content)
        )
    assert not Attachment.objects.exists()
    assert not (media / "meetings").exists()


def test_it_refuses_a_file_over_20_mb(tree, users, media):
    meeting = plan(users.secretary, tree.branch)
    upload = SimpleUploadedFile("大文件.pdf", PDF)
    upload.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ApplicationError, match="20 MB"):
        services.attachment_add(actor=users.secretary, meeting=meeting, upload=upload)
    assert not Attachment.objects.exists()

    upload.size = 20 * 1024 * 1024
    assert services.attachment_add(actor=users.secretary, meeting=meeting, upload=upload)


def test_it_refuses_an_attachment_from_a_leader(tree, users, media):
    meeting = plan(users.secretary, tree.branch)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            actor=users.leader, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    assert not Attachment.objects.exists()


def test_it_removes_an_attachment_and_its_file_with_an_audit_row(tree, users, media):
    meeting = plan(users.secretary, tree.branch)
    attachment = services.attachment_add(
        actor=users.secretary, meeting=meeting, upload=SimpleUploadedFile("记录.pdf", PDF)
    )
    stored = media / attachment.file.name
    services.attachment_remove(actor=users.secretary, attachment=attachment)
    assert not stored.exists()
    assert not Attachment.objects.exists()
    [log] = audits("meeting.detach", meeting)
    assert log.detail == "记录.pdf"


# --- every write leaves an audit row ------------------------------------------------------


def test_it_leaves_one_audit_row_per_write(tree, users, roll, media, yesterday):
    people = roll(tree.branch, 2)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    services.meeting_update(actor=users.secretary, meeting=meeting, place="会议室")
    services.meeting_record(
        actor=users.secretary, meeting=meeting, held_on=yesterday, attendance=present(people)
    )
    services.meeting_update(actor=users.secretary, meeting=meeting, place="活动室")
    attachment = services.attachment_add(
        actor=users.secretary, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    services.attachment_remove(actor=users.secretary, attachment=attachment)
    other = plan(users.secretary, tree.branch)
    services.meeting_cancel(actor=users.secretary, meeting=other, reason="改期")

    actions = list(
        AuditLog.objects.filter(action__startswith="meeting.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "meeting.plan",
        "meeting.update",
        "meeting.record",
        "meeting.correct",
        "meeting.attach",
        "meeting.detach",
        "meeting.plan",
        "meeting.cancel",
    ]


def test_it_marks_probationary_members_as_not_voting(tree, users, roll, yesterday):
    full, probationary = roll(tree.branch, 1, probationary=1)
    meeting = services.meeting_create_held(
        actor=users.secretary,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="主题党日",
        held_on=yesterday,
        attendance=present([full, probationary]),
    )
    votes = dict(meeting.attendance.values_list("member__category", "can_vote"))
    assert votes == {Category.FULL: True, Category.PROBATIONARY: False}


def test_it_refuses_a_held_date_before_the_org_was_established(tree, users, today):
    from mofan.orgs.models import Org

    Org.objects.filter(pk=tree.branch.pk).update(established_on=today - timedelta(days=30))
    tree.branch.refresh_from_db()
    early = today - timedelta(days=31)
    meeting = plan(users.secretary, tree.branch, kind=Kind.THEME_DAY)
    with pytest.raises(ApplicationError, match="早于“发改委第一党支部”的成立日期") as refused:
        services.meeting_record(actor=users.secretary, meeting=meeting, held_on=early)
    assert refused.value.field == "held_on"
    with pytest.raises(ApplicationError, match="成立日期") as refused:
        services.meeting_create_held(
            actor=users.secretary,
            org=tree.branch,
            kind=Kind.THEME_DAY,
            topic="主题党日",
            held_on=early,
        )
    assert refused.value.field == "held_on"
    with pytest.raises(ApplicationError, match="成立日期"):
        services.meetings_record_bulk(
            actor=SYSTEM,
            records=[services.HeldRecord(tree.branch, Kind.THEME_DAY, "主题党日", early, {})],
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert Meeting.objects.count() == 1
    services.meeting_record(
        actor=users.secretary, meeting=meeting, held_on=today - timedelta(days=30)
    )  # the day it was established is fine
