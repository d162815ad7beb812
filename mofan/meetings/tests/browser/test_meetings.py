"""A secretary's organisational life in the browser: record a 支部党员大会 with attendance taken
from the members list, see the compliance matrix turn from owed to 已完成, and a quorum refusal
that keeps what was typed."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.dates import add_years
from mofan.meetings.models import Attendance, Meeting
from mofan.members.models import Category

pytestmark = pytest.mark.browser

FULL = ["张伟", "李娜", "王芳", "刘洋", "陈静"]


@pytest.fixture
def roll(tree, make_member):
    """Five full members and one probationary member of the branch."""
    people = [make_member(tree.branch, name=name) for name in FULL]
    people.append(
        make_member(
            tree.branch,
            name="赵敏",
            category=Category.PROBATIONARY,
            joined_on=add_years(timezone.localdate(), -1),
        )
    )
    return people


def field(page, label):
    """A form field by its label ("主题:"), whatever the label suffix."""
    return page.get_by_label(re.compile(rf"^{label}[:：]?$"))


def open_new_meeting(page, branch):
    """From the branch's meetings list to a new 支部党员大会 marked as held today."""
    page.goto(f"/meetings/?org={branch.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("发改委第一党支部 · 组织生活")
    page.get_by_role("link", name="记录/计划会议").click()
    expect(page).to_have_url(re.compile(rf"/meetings/new/\?org={branch.id}$"))
    field(page, "类型").select_option(label="支部党员大会")
    field(page, "已召开（现在记录出席情况）").check()
    field(page, "召开日期").fill(f"{timezone.localdate():%Y-%m-%d}")


def attendance(page, name):
    return page.get_by_label(f"{name}出席情况"), page.get_by_label(f"{name}原因")


def test_it_records_a_general_meeting_with_attendance_from_the_members_list(
    page, log_in, users, tree, roll
):
    log_in(page, users.secretary)
    open_new_meeting(page, tree.branch)
    field(page, "主题").fill("第四季度支部党员大会")
    field(page, "地点").fill("三楼会议室")

    table = page.locator("#attendance tbody tr")
    expect(table).to_have_count(6)  # the branch's members, prefilled as present
    for name in [*FULL, "赵敏"]:
        row = table.filter(has_text=name)
        expect(row).to_contain_text("正式党员" if name in FULL else "预备党员")
        expect(attendance(page, name)[0]).to_have_value("present")
    status, reason = attendance(page, "李娜")
    status.select_option(label="请假")
    reason.fill("外出学习")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".flash.success")).to_have_text(
        "已保存：支部党员大会：第四季度支部党员大会"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "支部党员大会：第四季度支部党员大会"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("已召开")
    fields = page.locator("dl.fields")
    expect(fields).to_contain_text("应到 6 人，实到 5 人")
    expect(fields).to_contain_text("三楼会议室")
    row = page.locator("table tbody tr").filter(has_text="李娜")
    expect(row).to_contain_text("请假")
    expect(row).to_contain_text("外出学习")

    meeting = Meeting.objects.get()
    assert meeting.held_on == timezone.localdate()
    assert dict(meeting.attendance.values_list("member__name", "status"))["李娜"] == "leave"
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == 5


def test_it_turns_the_compliance_matrix_to_done_once_the_general_meeting_is_recorded(
    page, log_in, users, tree, roll
):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    matrix = f"/meetings/compliance/?org={tree.branch.id}&year={today.year}&quarter={quarter}"
    log_in(page, users.secretary)
    page.goto(matrix)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"发改委第一党支部 · {today.year}年第{quarter}季度组织生活完成情况"
    )
    field(page, "类型").select_option(label="支部党员大会")
    page.get_by_role("button", name="查看").click()
    row = page.locator("#compliance tbody tr").filter(has_text="发改委第一党支部")
    expect(row).to_contain_text(re.compile(r"0/1 (未到期|临期|未完成)"))
    expect(row).not_to_contain_text("已完成")

    row.get_by_role("link", name="发改委第一党支部").click()
    page.get_by_role("link", name="记录/计划会议").click()
    field(page, "类型").select_option(label="支部党员大会")
    field(page, "主题").fill("学习贯彻全会精神")
    field(page, "已召开（现在记录出席情况）").check()
    field(page, "召开日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("dl.fields")).to_contain_text("应到 6 人，实到 6 人")

    page.goto(matrix + "&kind=branch_general")
    row = page.locator("#compliance tbody tr").filter(has_text="发改委第一党支部")
    expect(row).to_contain_text("1/1 已完成")
    expect(row.locator("td.status-done")).to_have_count(1)


def test_it_refuses_a_vote_without_a_quorum_and_keeps_what_was_typed(
    page, log_in, users, tree, roll
):
    log_in(page, users.secretary)
    open_new_meeting(page, tree.branch)
    field(page, "主题").fill("表决接收预备党员")
    field(page, "有表决事项").check()
    absent = {"王芳": "病假", "刘洋": "出差", "陈静": "下乡调研"}
    for name, why in absent.items():
        status, reason = attendance(page, name)
        status.select_option(label="缺席")
        reason.fill(why)
    page.get_by_role("button", name="保存").click()

    expect(page.locator("main")).to_contain_text(
        "支部党员大会出席人数未过半，不能表决：应到有表决权的党员 5 人，实到 2 人"
    )
    expect(field(page, "主题")).to_have_value("表决接收预备党员")
    expect(field(page, "有表决事项")).to_be_checked()
    expect(field(page, "已召开（现在记录出席情况）")).to_be_checked()
    for name, why in absent.items():
        status, reason = attendance(page, name)
        expect(status).to_have_value("absent")
        expect(reason).to_have_value(why)
    for name in ("张伟", "李娜", "赵敏"):
        expect(attendance(page, name)[0]).to_have_value("present")
    assert not Meeting.objects.exists()
