"""The 我的 page, a plain member's landing: their record, dues, meetings and attendance, tasks
of their branch or naming them, unread messages; nothing of anyone else; works on a phone."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mofan.core.access import SYSTEM, Role
from mofan.meetings import services as meetings
from mofan.meetings.models import Kind
from mofan.meetings.services import AttendanceRow
from mofan.members.dues import dues_record_payment
from mofan.members.models import PaymentMethod
from mofan.notifications.models import Notification
from mofan.plans.services import plan_create, task_create
from mofan.site.tests.factories import make_user

TODAY = date(2027, 3, 15)


def text(response):
    return response.content.decode()


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def me(tree, users, make_member, link):
    member = make_member(tree.branch, name="本人", phone="13800001111", dues_base="5400")
    return link(member, users.member)


@pytest.fixture
def neighbour(tree, make_member):
    return make_member(tree.branch, name="同支部党员", phone="13911112222")


def test_a_plain_member_lands_on_their_own_page(users, me, login):
    response = login(users.member).get("/")
    assert response.status_code == 302 and response["Location"] == "/mine/"
    assert login(users.secretary).get("/").status_code == 200


def test_it_shows_the_record_and_this_months_dues(users, me, login):
    dues_record_payment(
        actor=SYSTEM,
        member=me,
        month=date(2027, 2, 1),
        paid=Decimal("81.00"),
        paid_on=date(2027, 2, 10),
        method=PaymentMethod.CASH,
    )
    page = text(login(users.member).get("/mine/"))
    assert "本人" in page and "13800001111" in page
    assert "2027年3月应缴 <b>81.00</b> 元" in page and "尚未缴纳" in page
    assert "2027-02" in page
    assert f'href="/members/{me.id}/correction/"' in page


def test_it_shows_attendance_and_coming_meetings_of_the_member_only(
    tree, users, me, neighbour, login
):
    held = meetings.meeting_create_held(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.THEME_DAY,
        topic="三月主题党日",
        held_on=date(2027, 3, 5),
        attendance=[AttendanceRow(me.id, "leave", "出差"), AttendanceRow(neighbour.id, "present")],
    )
    meetings.meeting_plan(
        actor=SYSTEM,
        org=tree.branch,
        kind=Kind.LECTURE,
        topic="四月党课",
        planned_on=date(2027, 4, 2),
    )
    page = text(login(users.member).get("/mine/"))
    assert "三月主题党日" in page and "请假（出差）" in page and "出席率 0%" in page
    assert "四月党课" in page and f"/meetings/{held.id}/" in page
    assert "同支部党员" not in page


def test_it_shows_open_tasks_of_the_branch(tree, users, me, login):
    plan = plan_create(actor=SYSTEM, org=tree.unit, kind="master", title="创建方案", year=2027)
    task_create(
        actor=SYSTEM,
        plan=plan,
        owner_org=tree.branch,
        title="本支部的任务",
        start_on=TODAY,
        deadline=date(2027, 6, 30),
    )
    task_create(
        actor=SYSTEM,
        plan=plan,
        owner_org=tree.other_branch,
        title="别的支部的任务",
        start_on=TODAY,
        deadline=date(2027, 6, 30),
    )
    page = text(login(users.member).get("/mine/"))
    assert "本支部的任务" in page and "别的支部的任务" not in page


def test_it_shows_unread_messages(users, me, login):
    Notification.objects.create(user=users.member, key="k", title="请参加四月党课")
    assert "请参加四月党课" in text(login(users.member).get("/mine/"))


def test_an_account_without_a_record_is_told_so(users, login):
    page = text(login(users.secretary).get("/mine/"))
    assert "还没有关联党员记录" in page


def test_a_member_of_another_branch_sees_their_own_page_only(tree, me, login):
    stranger = make_user(Role.MEMBER, tree.other_branch)
    page = text(login(stranger).get("/mine/"))
    assert "本人" not in page and "13800001111" not in page


def test_the_page_is_in_the_menu_and_fits_a_phone(users, me, login):
    page = text(login(users.member).get("/mine/"))
    assert 'href="/mine/" aria-current="page">' in page  # the menu marks the page it is on
    assert '<span class="nav-link-title">我的</span>' in page
    assert 'name="viewport" content="width=device-width' in page
    assert 'class="table-wrap"' in page  # wide tables scroll inside the card at 375 px


def test_the_api_answers_me(users, me, api):
    body = api(users.member).get("/api/v1/members/me").json()
    assert body["member"]["name"] == "本人"
    assert body["dues"]["month"] == "2027-03-01" and body["dues"]["due"] == "81.00"
    assert body["pending_correction"] is None
    assert api(users.secretary).get("/api/v1/members/me").json()["member"] is None
