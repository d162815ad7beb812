"""The meeting pages: scope (404 outside the sub-tree, 403 for read-only users), the record form
with attendance, detail, edit and correction, cancel, attachments, the list with filters and
sort, the calendar, the compliance matrix and its export, attendance rates, the six-month list."""

import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.dates import add_months
from mofan.core.models import AuditLog
from mofan.meetings import services
from mofan.meetings.models import Attachment, Kind, Meeting, MeetingStatus
from mofan.meetings.tests.conftest import present
from mofan.members.models import Category
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import DOCX, PDF, make_org

YEAR = date.today().year - 1


def text(response):
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


def planned(org, kind=Kind.THEME_DAY, on=None, topic="主题党日", **fields):
    return services.meeting_plan(
        actor=SYSTEM, org=org, kind=kind, topic=topic, planned_on=on or date.today(), **fields
    )


def held(org, on, kind=Kind.THEME_DAY, topic="主题党日", **fields):
    if kind == Kind.LECTURE:
        fields.setdefault("lecturer", "王书记")
    return services.meeting_create_held(
        actor=SYSTEM, org=org, kind=kind, topic=topic, held_on=on, **fields
    )


def attach(meeting, name="会议记录.pdf", content=PDF):
    return services.attachment_add(
        actor=SYSTEM, meeting=meeting, upload=SimpleUploadedFile(name, content)
    )


def meeting_form(**changes) -> dict:
    data = {
        "kind": Kind.THEME_DAY,
        "topic": "重温入党誓词",
        "planned_on": date.today().isoformat(),
        "held_on": "",
        "held_time": "",
        "place": "",
        "first_topic_title": "",
        "host": "",
        "recorder": "",
        "lecturer": "",
        "votes_for": "",
        "minutes": "",
        "decisions": "",
        "observer_notes": "",
        "observer_rating": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def attendance_form(people, statuses=None, reasons=None) -> dict:
    statuses, reasons = statuses or {}, reasons or {}
    data = {}
    for member in people:
        data[f"att-{member.id}"] = statuses.get(member, "present")
        data[f"reason-{member.id}"] = reasons.get(member, "")
    return data


def selected(page: str, member) -> str:
    select = re.search(rf'name="att-{member.id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r'value="(\w+)" selected', select).group(1)


def topics(response) -> list[str]:
    return re.findall(r'<a href="/meetings/\d+/">([^<]+)</a>', text(response))


# --- scope: 404 outside the sub-tree, 403 for read-only users ------------------------------


@pytest.fixture
def things(tree, yesterday):
    meeting = planned(tree.branch)
    done = held(tree.branch, yesterday, topic="已召开的主题党日")
    return {"meeting": meeting, "held": done, "attachment": attach(meeting)}


def url_of(template, tree, things):
    return template.format(
        id=things["meeting"].id,
        held=things["held"].id,
        att=things["attachment"].id,
        org=tree.branch.id,
    )


OBJECT_PAGES = [
    ("get", "/meetings/{id}/"),
    ("get", "/meetings/{id}/edit/"),
    ("post", "/meetings/{id}/edit/"),
    ("get", "/meetings/{held}/edit/"),
    ("post", "/meetings/{id}/cancel/"),
    ("post", "/meetings/{id}/attachments/"),
    ("get", "/meetings/attachments/{att}/"),
    ("post", "/meetings/attachments/{att}/remove/"),
    ("get", "/meetings/new/?org={org}"),
    ("post", "/meetings/new/?org={org}"),
    ("get", "/meetings/?org={org}"),
    ("get", "/meetings/?org={org}&export=1"),
    ("get", "/meetings/calendar/?org={org}"),
    ("get", "/meetings/compliance/?org={org}"),
    ("get", "/meetings/compliance/?org={org}&export=1"),
    ("get", "/meetings/attendance/?org={org}"),
    ("get", "/meetings/attendance/?org={org}&export=1"),
    ("get", "/meetings/inactive/?org={org}"),
    ("get", "/meetings/inactive/?org={org}&export=1"),
]


def write_data(things):
    return {
        **meeting_form(held="on", held_on=date.today().isoformat()),
        "reason": "改期",
        "file": SimpleUploadedFile("b.pdf", PDF),
    }


@pytest.mark.parametrize(("method", "url"), OBJECT_PAGES)
def test_it_answers_404_to_a_secretary_of_another_branch(tree, users, login, things, method, url):
    client = login(users.outsider)
    data = write_data(things) if method == "post" else None
    response = getattr(client, method)(url_of(url, tree, things), data)
    assert response.status_code == 404
    meeting = Meeting.objects.get(pk=things["meeting"].pk)
    assert (meeting.status, meeting.topic) == (MeetingStatus.PLANNED, "主题党日")
    assert Attachment.objects.count() == 1
    assert Meeting.objects.count() == 2
    assert not AuditLog.objects.filter(user=users.outsider, action__startswith="meeting.").exists()


WRITE_PAGES = [
    ("get", "/meetings/new/?org={org}"),
    ("post", "/meetings/new/?org={org}"),
    ("get", "/meetings/{id}/edit/"),
    ("post", "/meetings/{id}/edit/"),
    ("get", "/meetings/{held}/edit/"),
    ("post", "/meetings/{held}/edit/"),
    ("post", "/meetings/{id}/cancel/"),
    ("post", "/meetings/{id}/attachments/"),
    ("post", "/meetings/attachments/{att}/remove/"),
]


@pytest.mark.parametrize("role", ["leader", "member"])
@pytest.mark.parametrize(("method", "url"), WRITE_PAGES)
def test_it_answers_403_to_read_only_users_on_writes(tree, users, login, things, role, method, url):
    client = login(getattr(users, role))
    data = write_data(things) if method == "post" else None
    response = getattr(client, method)(url_of(url, tree, things), data)
    assert response.status_code == 403
    assert Meeting.objects.get(pk=things["meeting"].pk).status == MeetingStatus.PLANNED
    assert Meeting.objects.count() == 2
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "member"])
def test_it_lets_read_only_users_in_scope_read_a_meeting_without_write_buttons(
    tree, users, login, things, role
):
    client = login(getattr(users, role))
    page = text(client.get(f"/meetings/{things['meeting'].id}/"))
    assert "主题党日" in page
    assert "记录为已召开" not in page
    assert "取消该会议" not in page
    assert 'enctype="multipart/form-data"' not in page
    download = client.get(f"/meetings/attachments/{things['attachment'].id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    "url", ["/meetings/", "/meetings/{id}/", "/meetings/calendar/", "/meetings/compliance/"]
)
def test_it_sends_anonymous_visitors_to_the_login_page(client, tree, things, url):
    response = client.get(url_of(url, tree, things))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_meeting_that_does_not_exist(users, login):
    assert login(users.committee_admin).get("/meetings/999999/").status_code == 404
    assert login(users.committee_admin).get("/meetings/new/").status_code == 404


# --- create -------------------------------------------------------------------------------


def test_it_offers_the_branch_roll_and_only_the_kinds_a_branch_holds(
    tree, users, login, roll, make_member
):
    people = roll(tree.branch, 2, probationary=1)
    stranger = make_member(tree.other_branch)
    page = text(login(users.secretary).get(f"/meetings/new/?org={tree.branch.id}"))
    for member in people:
        assert f'name="att-{member.id}"' in page
    assert f'name="att-{stranger.id}"' not in page
    assert "预备党员" in page
    assert 'value="branch_general"' in page
    assert 'value="group"' not in page  # 党小组会 belongs to party groups
    assert 'value="center_group"' not in page


def test_it_defaults_the_kind_to_the_branch_general_meeting(tree, users, login):
    page = text(login(users.secretary).get(f"/meetings/new/?org={tree.branch.id}"))
    assert re.search(r'<option value="branch_general"[^>]*selected', page)
    assert not re.search(r'<option value="appraisal"[^>]*selected', page)


def test_it_re_shows_the_form_for_a_held_date_before_the_org_was_established(
    tree, users, login, today
):
    from mofan.orgs.models import Org

    Org.objects.filter(pk=tree.branch.pk).update(established_on=today - timedelta(days=10))
    early = (today - timedelta(days=11)).isoformat()
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}", meeting_form(held="on", held_on=early)
    )
    assert response.status_code == 200
    assert "早于“发改委第一党支部”的成立日期" in text(response)
    assert f'value="{early}"' in text(response)
    assert not Meeting.objects.exists()


def test_it_plans_a_meeting_from_the_form(tree, users, login, today):
    client = login(users.secretary)
    response = client.post(
        f"/meetings/new/?org={tree.branch.id}",
        meeting_form(kind=Kind.BRANCH_GENERAL, topic="季度党员大会", planned_on=str(today)),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.id}/"
    assert (meeting.kind, meeting.status, meeting.org) == (
        Kind.BRANCH_GENERAL,
        MeetingStatus.PLANNED,
        tree.branch,
    )
    assert AuditLog.objects.filter(action="meeting.plan", user=users.secretary).exists()


def test_it_records_a_held_meeting_with_attendance_from_the_members_list(
    tree, users, login, roll, yesterday
):
    a, b, c = roll(tree.branch, 3)
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}",
        {
            **meeting_form(held="on", held_on=str(yesterday), place="党员活动室"),
            **attendance_form([a, b, c], {b: "absent", c: "leave"}, {b: "外出学习", c: "病假"}),
        },
        follow=True,
    )
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.held_on) == (MeetingStatus.HELD, yesterday)
    page = text(response)
    assert "应到 3 人，实到 1 人" in page
    assert "外出学习" in page
    assert "病假" in page


def test_it_keeps_what_was_typed_when_the_quorum_refuses_the_vote(
    tree, users, login, roll, yesterday
):
    people = roll(tree.branch, 4, probationary=1)
    away = {m: "absent" for m in people[:2]}
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}",
        {
            **meeting_form(
                kind=Kind.BRANCH_GENERAL,
                topic="讨论接收预备党员",
                held="on",
                held_on=str(yesterday),
                votes="on",
                votes_for="2",
                host="李书记",
            ),
            **attendance_form(people, away, {m: "出差在外" for m in away}),
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "支部党员大会出席人数未过半，不能表决" in page
    assert "应到有表决权的党员 4 人，实到 2 人" in page
    assert 'value="讨论接收预备党员"' in page
    assert 'value="李书记"' in page
    assert [selected(page, m) for m in people] == [
        "absent",
        "absent",
        "present",
        "present",
        "present",
    ]
    assert page.count('value="出差在外"') == 2
    assert not Meeting.objects.exists()


def test_it_shows_an_error_for_an_absence_without_a_reason(tree, users, login, roll, yesterday):
    a, b = roll(tree.branch, 2)
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}",
        {
            **meeting_form(held="on", held_on=str(yesterday)),
            **attendance_form([a, b], {b: "leave"}),
        },
    )
    assert response.status_code == 200
    assert f"请填写 {b.name} 缺席或请假的原因" in text(response)
    assert selected(text(response), b) == "leave"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held": "on", "held_on": ""}, "已召开的会议请填写召开日期"),
        ({"held": "on", "held_on": "2999-01-01"}, "召开日期不能晚于今天"),
        ({"kind": Kind.LECTURE, "held": "on", "held_on": "2020-01-01"}, "党课须填写授课人"),
        ({"first_topic": "on"}, "请填写第一议题学习的内容"),
        ({"kind": Kind.GROUP}, "类型的选项“group”不在可选范围内，请重新选择"),
        ({"planned_on": "2026-13-45"}, "日期"),
    ],
)
def test_it_refuses_a_bad_form_with_a_chinese_message(tree, users, login, changes, message):
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}", meeting_form(**changes)
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not Meeting.objects.exists()


# --- detail, edit, correct -----------------------------------------------------------------


def test_it_records_a_planned_meeting_from_the_edit_page(tree, users, login, roll, yesterday):
    a, b = roll(tree.branch, 2)
    meeting = planned(tree.branch, kind=Kind.BRANCH_GENERAL, topic="党员大会", on=yesterday)
    client = login(users.secretary)
    page = text(client.get(f"/meetings/{meeting.id}/"))
    assert f'href="/meetings/{meeting.id}/edit/?record=1"' in page

    form_page = text(client.get(f"/meetings/{meeting.id}/edit/?record=1"))
    assert re.search(r'name="held"[^>]*checked', form_page)
    response = client.post(
        f"/meetings/{meeting.id}/edit/",
        {
            **meeting_form(kind=Kind.BRANCH_GENERAL, topic="党员大会", held="on"),
            "held_on": str(yesterday),
            **attendance_form([a, b], {b: "leave"}, {b: "病假"}),
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_on) == (MeetingStatus.HELD, yesterday)
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        a.id: "present",
        b.id: "leave",
    }
    assert AuditLog.objects.filter(action="meeting.record", target_id=str(meeting.id)).exists()


def test_it_corrects_a_held_meeting_and_audits_the_change(tree, users, login, roll, yesterday):
    people = roll(tree.branch, 2)
    meeting = held(tree.branch, yesterday, place="会议室")
    client = login(users.secretary)
    assert "更正记录" in text(client.get(f"/meetings/{meeting.id}/"))
    response = client.post(
        f"/meetings/{meeting.id}/edit/",
        {
            **meeting_form(topic="主题党日", held="on", held_on=str(yesterday), place="活动室"),
            **attendance_form(people),
        },
    )
    assert response.status_code == 302
    [log] = AuditLog.objects.filter(action="meeting.correct")
    assert log.changes["place"] == ["会议室", "活动室"]


def test_it_keeps_the_attendance_choices_when_a_correction_is_refused(
    tree, users, login, roll, yesterday
):
    people = roll(tree.branch, 4)
    meeting = held(
        tree.branch,
        yesterday,
        kind=Kind.BRANCH_GENERAL,
        votes=True,
        attendance=present(people),
    )
    away = {m: "absent" for m in people[1:]}
    response = login(users.secretary).post(
        f"/meetings/{meeting.id}/edit/",
        {
            **meeting_form(kind=Kind.BRANCH_GENERAL, held="on", held_on=str(yesterday), votes="on"),
            **attendance_form(people, away, {m: "值班" for m in away}),
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "出席人数未过半" in page
    assert [selected(page, m) for m in people] == ["present", "absent", "absent", "absent"]
    meeting.refresh_from_db()
    assert services.turnout(meeting).present == 4


def test_it_does_not_edit_a_cancelled_meeting(tree, users, login):
    meeting = planned(tree.branch)
    services.meeting_cancel(actor=SYSTEM, meeting=meeting, reason="改期")
    response = login(users.secretary).get(f"/meetings/{meeting.id}/edit/", follow=True)
    assert "已取消的会议不能修改" in flash(response)
    assert "取消原因" in text(response)
    assert "改期" in text(response)


# --- cancel -------------------------------------------------------------------------------


def test_it_cancels_a_planned_meeting_with_a_reason(tree, users, login):
    meeting = planned(tree.branch)
    client = login(users.secretary)
    assert "取消该会议" in text(client.get(f"/meetings/{meeting.id}/"))
    response = client.post(f"/meetings/{meeting.id}/cancel/", {"reason": "上级临时通知开会"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (MeetingStatus.CANCELLED, "上级临时通知开会")
    page = text(client.get(f"/meetings/{meeting.id}/"))
    assert "上级临时通知开会" in page
    assert "记录为已召开" not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_to_cancel_without_a_reason(tree, users, login, reason):
    meeting = planned(tree.branch)
    response = login(users.secretary).post(
        f"/meetings/{meeting.id}/cancel/", {"reason": reason}, follow=True
    )
    assert any(m.startswith("取消失败") for m in flash(response))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_it_refuses_to_cancel_a_held_meeting(tree, users, login, yesterday):
    meeting = held(tree.branch, yesterday)
    response = login(users.secretary).post(
        f"/meetings/{meeting.id}/cancel/", {"reason": "记错了"}, follow=True
    )
    assert "取消失败：只有计划中的会议可以取消" in flash(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


# --- attachments --------------------------------------------------------------------------


def test_it_uploads_and_serves_an_attachment_to_users_in_scope(tree, users, login, media):
    meeting = planned(tree.branch)
    client = login(users.secretary)
    response = client.post(
        f"/meetings/{meeting.id}/attachments/",
        {"file": SimpleUploadedFile("支部会议记录.pdf", PDF)},
        follow=True,
    )
    assert "已上传附件" in flash(response)
    attachment = Attachment.objects.get()
    assert "支部会议记录" not in attachment.file.name
    assert "支部会议记录.pdf" in text(response)

    download = client.get(f"/meetings/attachments/{attachment.id}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    for user in (users.unit_admin, users.member):
        assert login(user).get(f"/meetings/attachments/{attachment.id}/").status_code == 200
    assert login(users.outsider).get(f"/meetings/attachments/{attachment.id}/").status_code == 404


def test_it_offers_a_word_file_as_a_download_not_inline(tree, users, login, media):
    meeting = planned(tree.branch)
    attachment = attach(meeting, "记录.docx", DOCX)
    response = login(users.secretary).get(f"/meetings/attachments/{attachment.id}/")
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("会议记录.pdf", b"MZ\x90\x00 an executable", "文件内容与扩展名不符"),
        ("脚本.exe", b"MZ\x90\x00", "只能上传"),
    ],
)
def test_it_refuses_a_bad_upload_with_a_message(tree, users, login, media, name, content, message):
    meeting = planned(tree.branch)
    response = login(users.secretary).post(
        f"/meetings/{meeting.id}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert any(message in m for m in flash(response))
    assert not Attachment.objects.exists()


def test_it_removes_an_attachment(tree, users, login, media):
    attachment = attach(planned(tree.branch))
    response = login(users.secretary).post(
        f"/meetings/attachments/{attachment.id}/remove/", follow=True
    )
    assert "已删除附件 会议记录.pdf" in flash(response)
    assert not Attachment.objects.exists()


# --- list ---------------------------------------------------------------------------------


@pytest.fixture
def year_of_meetings(tree):
    return [
        held(tree.branch, date(YEAR, 1, 10), topic="一月主题党日"),
        held(tree.branch, date(YEAR, 3, 5), kind=Kind.LECTURE, topic="三月党课"),
        held(tree.other_branch, date(YEAR, 6, 1), topic="二支部六月主题党日"),
        planned(tree.branch, kind=Kind.BRANCH_GENERAL, on=date(YEAR, 9, 1), topic="九月党员大会"),
        held(tree.far_branch, date(YEAR, 2, 1), topic="民政局主题党日"),
    ]


def test_it_lists_only_meetings_in_the_users_scope_newest_first(users, login, year_of_meetings):
    assert topics(login(users.unit_admin).get("/meetings/")) == [
        "九月党员大会",
        "二支部六月主题党日",
        "三月党课",
        "一月主题党日",
    ]
    assert topics(login(users.outsider).get("/meetings/")) == ["二支部六月主题党日"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=lecture", ["三月党课"]),
        ("status=planned", ["九月党员大会"]),
        ("status=held&org={branch}", ["三月党课", "一月主题党日"]),
        (f"since={YEAR}-03-01&until={YEAR}-06-30", ["二支部六月主题党日", "三月党课"]),
        (f"since={YEAR}-08-01", ["九月党员大会"]),
        ("sort=date", ["一月主题党日", "三月党课", "二支部六月主题党日", "九月党员大会"]),
        ("sort=kind&org={branch}", ["九月党员大会", "三月党课", "一月主题党日"]),
        ("sort=-org&kind=theme_day", ["二支部六月主题党日", "一月主题党日"]),
    ],
)
def test_it_filters_and_sorts_the_list(tree, users, login, year_of_meetings, query, expected):
    url = "/meetings/?" + query.format(branch=tree.branch.id)
    assert topics(login(users.unit_admin).get(url)) == expected


def test_it_ignores_a_bad_filter_instead_of_failing(users, login, year_of_meetings):
    response = login(users.unit_admin).get("/meetings/?since=not-a-date&sort=password&kind=x")
    assert response.status_code == 200
    assert len(topics(response)) == 4


def test_it_exports_the_filtered_list_to_excel(tree, users, login, year_of_meetings):
    response = login(users.unit_admin).get(f"/meetings/?org={tree.branch.id}&status=held&export=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[1], r[2], r[10]) for r in rows] == [
        ("发改委第一党支部", "主题党日", "一月主题党日", "已召开"),
        ("发改委第一党支部", "党课", "三月党课", "已召开"),
    ]
    assert AuditLog.objects.filter(action="meeting.export", user=users.unit_admin).exists()


def test_it_lists_many_meetings_in_the_same_number_of_queries(
    tree, users, login, django_assert_max_num_queries
):
    client = login(users.unit_admin)
    url = f"/meetings/?org={tree.unit.id}"
    held(tree.branch, date(YEAR, 1, 10))
    with CaptureQueriesContext(connection) as few:
        assert len(topics(client.get(url))) == 1
    for month in range(1, 13):
        held(tree.branch, date(YEAR, month, 12), topic=f"{month}月主题党日")
        held(tree.other_branch, date(YEAR, month, 12), kind=Kind.LECTURE)
    with django_assert_max_num_queries(len(few)):
        assert len(topics(client.get(url))) == 25


# --- calendar -----------------------------------------------------------------------------


def day_cell(page: str, day: int) -> str:
    cells = re.findall(r"<td[^>]*>\s*<div>(\d+)</div>(.*?)</td>", page, re.S)
    return "".join(content for number, content in cells if int(number) == day).strip()


def test_it_shows_planned_and_held_meetings_on_their_days(tree, users, login):
    held(
        tree.branch, date(YEAR, 5, 6), kind=Kind.LECTURE, topic="党课", planned_on=date(YEAR, 5, 2)
    )
    planned(tree.branch, kind=Kind.BRANCH_GENERAL, on=date(YEAR, 5, 20))
    cancelled = planned(tree.branch, on=date(YEAR, 5, 25))
    services.meeting_cancel(actor=SYSTEM, meeting=cancelled, reason="改期")
    held(tree.far_branch, date(YEAR, 5, 6), topic="民政局")

    page = text(login(users.secretary).get(f"/meetings/calendar/?year={YEAR}&month=5"))
    assert f"{YEAR}年5月组织生活日历" in page
    assert "党课" in day_cell(page, 6)
    assert "党课" not in day_cell(page, 2)
    assert "支部党员大会" in day_cell(page, 20)
    assert 'class="tag gray"' in day_cell(page, 20)  # planned
    assert "主题党日" not in day_cell(page, 25)
    assert "民政局" not in page


def test_it_shows_a_branchs_calendar_and_survives_a_bad_month(tree, users, login, today):
    held(tree.other_branch, date(YEAR, 5, 6), topic="二支部")
    held(tree.branch, date(YEAR, 5, 7), kind=Kind.LECTURE)
    client = login(users.unit_admin)
    page = text(client.get(f"/meetings/calendar/?org={tree.branch.id}&year={YEAR}&month=5"))
    assert "党课" in day_cell(page, 7)
    assert day_cell(page, 6) == ""
    response = client.get("/meetings/calendar/?year=2026&month=13")
    assert response.status_code == 200
    assert f"{today.year}年{today.month}月" in text(response)


# --- compliance matrix --------------------------------------------------------------------


def matrix_cells(page: str, org) -> list[tuple[str, str]]:
    """(status, "held/required") of each cell in the org's row."""
    row = re.search(
        rf'<tr><td class="org-name"><a href="/meetings/\?org={org.id}".*?</tr>', page, re.S
    )
    cells = re.findall(r'<td class="status-(\w+)"[^>]*>(.*?)</td>', row.group(0), re.S)
    return [(status, (re.search(r"\d+/\d+", body) or [""])[0]) for status, body in cells]


def test_it_turns_a_matrix_cell_from_not_done_to_done_once_a_meeting_is_recorded(
    tree, users, login
):
    client = login(users.secretary)
    url = f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general&by=quarter"
    page = text(client.get(url))
    assert f"{YEAR}年组织生活完成情况" in page
    assert matrix_cells(page, tree.branch) == [("not_done", "0/1")] * 4
    assert page.count("未完成") >= 4

    held(tree.branch, date(YEAR, 5, 9), kind=Kind.BRANCH_GENERAL, topic="二季度党员大会")
    page = text(client.get(url))
    assert matrix_cells(page, tree.branch) == [
        ("not_done", "0/1"),
        ("done", "1/1"),
        ("not_done", "0/1"),
        ("not_done", "0/1"),
    ]
    assert f"since={YEAR}-04-01&until={YEAR}-06-30" in page


def test_it_shows_a_quarters_meeting_in_the_quarters_last_month(tree, users, login):
    held(tree.branch, date(YEAR, 2, 9), kind=Kind.BRANCH_GENERAL)
    page = text(
        login(users.secretary).get(
            f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general"
        )
    )
    cells = matrix_cells(page, tree.branch)
    assert len(cells) == 12
    assert cells[2] == ("done", "1/1")  # March holds Q1
    assert cells[5] == ("not_done", "0/1")  # June holds Q2
    assert cells[0] == ("empty", "")
    assert f"since={YEAR}-01-01&until={YEAR}-03-31" in page


def test_it_gives_empty_cells_a_chinese_title_not_none(tree, users, login):
    page = text(
        login(users.secretary).get(
            f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general"
        )
    )
    assert 'title="None"' not in page and "status-None" not in page
    assert 'title="本期没有应开的会议"' in page


def test_it_shows_more_meetings_than_required_as_done_with_the_real_count(tree, users, login):
    held(tree.branch, date(YEAR, 4, 9), kind=Kind.BRANCH_GENERAL, topic="四月党员大会")
    held(tree.branch, date(YEAR, 5, 9), kind=Kind.BRANCH_GENERAL, topic="五月党员大会")
    page = text(
        login(users.secretary).get(
            f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general&by=quarter"
        )
    )
    assert matrix_cells(page, tree.branch)[1] == ("done", "1/1")
    assert "2/1" not in page
    assert 'title="已完成：应开 1 次，计入 1 次（实开 2 次）"' in page


def test_it_colours_the_legend_with_the_cells_classes(tree, users, login):
    page = text(
        login(users.secretary).get(
            f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general"
        )
    )
    legend = re.search(r'<p class="muted">每格为.*?</p>', page, re.S).group(0)
    tags = dict(
        (label, classes.split())
        for classes, label in re.findall(r'<span class="([^"]+)">(.*?)</span>', legend)
    )
    assert "status-done" in tags["已完成"] and "status-not_done" in tags["未完成"]
    assert "status-due_soon" in tags["临期"] and "status-not_yet" in tags["未到期"]
    assert not set(tags["已完成"]) & set(tags["未完成"]) - {"tag"}


def test_it_lists_every_org_of_the_sub_tree_in_the_matrix(tree, users, login):
    held(tree.group, date(YEAR, 1, 5), kind=Kind.GROUP)
    page = text(
        login(users.unit_admin).get(f"/meetings/compliance/?org={tree.unit.id}&year={YEAR}&month=1")
    )
    assert matrix_cells(page, tree.group) == [("done", "1/1")]
    assert matrix_cells(page, tree.branch) == [("not_done", "0/1")]  # 主题党日
    assert matrix_cells(page, tree.other_branch) == [("not_done", "0/1")]
    assert "民政局" not in page


def test_it_exports_the_matrix_to_excel(tree, users, login):
    held(tree.branch, date(YEAR, 5, 9), kind=Kind.BRANCH_GENERAL)
    response = login(users.secretary).get(
        f"/meetings/compliance/?org={tree.branch.id}&year={YEAR}&kind=branch_general&by=quarter&export=1"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"发改委第一党支部{YEAR}年组织生活完成情况"
    assert list(rows[1]) == [
        "组织",
        f"{YEAR}年第1季度",
        f"{YEAR}年第2季度",
        f"{YEAR}年第3季度",
        f"{YEAR}年第4季度",
    ]
    assert list(rows[2]) == [
        "发改委第一党支部",
        "0/1 未完成",
        "1/1 已完成",
        "0/1 未完成",
        "0/1 未完成",
    ]
    assert AuditLog.objects.filter(action="meeting.compliance_export").exists()


def test_it_shows_the_matrix_for_many_orgs_in_the_same_number_of_queries(
    tree, users, login, seat, django_assert_max_num_queries
):
    client = login(users.committee_admin)
    url = f"/meetings/compliance/?org={tree.committee.id}&year={YEAR}&view=matrix"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(15):
        branch = make_org(tree.far_unit, OrgType.BRANCH)
        seat(branch, f"书记{n}", "secretary")
        make_org(branch, OrgType.PARTY_GROUP)
        held(branch, date(YEAR, 3, 3), kind=Kind.BRANCH_GENERAL)
        held(branch, date(YEAR, 4, 3))
    with django_assert_max_num_queries(len(few)):
        page = text(client.get(url))
    assert page.count('<td class="org-name">') == 7 + 30


# --- attendance rates and the six-month list ----------------------------------------------


def test_it_shows_each_members_attendance_rate_for_the_period(tree, users, login, roll):
    a, b, c = roll(tree.branch, 3)
    held(tree.branch, date(YEAR, 1, 8), attendance=present([a, b, c], 2))  # c on leave
    held(tree.branch, date(YEAR, 1, 20), attendance=present([a, b, c], 1))
    held(tree.branch, date(YEAR, 2, 1), attendance=present([a, b, c], 0))  # next month

    page = text(
        login(users.secretary).get(
            f"/meetings/attendance/?org={tree.branch.id}&year={YEAR}&month=1"
        )
    )
    rows = dict(
        (name, (expected, there, rate))
        for name, expected, there, rate in re.findall(
            r">([^<]+)</a></td><td[^>]*>[^<]*</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>\s*"
            r"<td[^>]*>([^<]+)</td>",
            page,
        )
    )
    assert rows == {a.name: ("2", "2", "100%"), b.name: ("2", "1", "50%"), c.name: ("2", "0", "0%")}

    page = text(
        login(users.secretary).get(f"/meetings/attendance/?org={tree.branch.id}&year={YEAR}")
    )
    assert re.search(r"<td[^>]*>3</td><td[^>]*>2</td>\s*<td[^>]*>67%</td>", page)


def test_it_exports_the_attendance_of_every_member_of_the_sub_tree(tree, users, login, roll):
    a, b = roll(tree.branch, 2)
    elsewhere = roll(tree.far_branch, 1)[0]
    held(tree.branch, date(YEAR, 1, 8), attendance=present([a, b], 1))
    held(tree.branch, date(YEAR, 3, 8), attendance=present([a, b], 2))
    response = login(users.unit_admin).get(
        f"/meetings/attendance/?org={tree.unit.id}&year={YEAR}&quarter=1&export=1"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"市发改委机关党委{YEAR}年第1季度党员参加组织生活情况"
    assert rows[1] == ("党支部", "姓名", "应参加（次）", "实际参加（次）", "出席率")
    by_name = {r[1]: r[2:] for r in rows[2:]}
    assert by_name[a.name] == (2, 2, "100.0%")
    assert by_name[b.name] == (2, 1, "50.0%")
    assert elsewhere.name not in by_name
    assert AuditLog.objects.filter(action="meeting.attendance_export").count() == 1


def test_it_lists_members_without_organisational_life_for_six_months(
    tree, users, login, make_member, today
):
    absent_long = make_member(tree.branch, name="长期未参加")
    came_last_month = make_member(tree.branch, name="上月参加")
    newcomer = make_member(
        tree.branch,
        name="新入党",
        category=Category.PROBATIONARY,
        joined_on=today - timedelta(days=30),
        full_member_on=None,
    )
    came_long_ago = make_member(tree.branch, name="七个月前参加")
    elsewhere = make_member(tree.far_branch, name="民政局党员")
    held(
        tree.branch,
        add_months(today, -7),
        attendance=present([came_long_ago, absent_long, came_last_month, newcomer], 1),
    )
    held(
        tree.branch,
        today - timedelta(days=30),
        attendance=present([came_last_month, absent_long, newcomer], 1),
    )

    page = text(login(users.unit_admin).get(f"/meetings/inactive/?org={tree.unit.id}"))
    assert "长期未参加" in page
    assert "七个月前参加" in page
    assert add_months(today, -7).strftime("%Y-%m-%d") in page
    assert "无记录" in page
    assert "上月参加" not in page
    assert "新入党" not in page
    assert elsewhere.name not in page

    response = login(users.unit_admin).get(f"/meetings/inactive/?org={tree.unit.id}&export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("党支部", "姓名", "最近一次参加", "统计起点")
    assert {r[1]: r[2] for r in rows[2:]} == {
        "长期未参加": "无记录",
        "七个月前参加": datetime.combine(add_months(today, -7), time()),
    }
    assert AuditLog.objects.filter(action="meeting.inactive_export").count() == 1
