"""The one form template on real pages (issue 10 §1): a POST with one bad field shows the error
summary and the field's Chinese message, and every other typed value again (texts, selects,
multi-selects, dates as typed); no Django default message shows."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mofan.meetings.models import Kind, Meeting
from mofan.members.models import Member
from mofan.members.tests.test_member_form import form_data as member_data
from mofan.plans import services
from mofan.plans.models import Instruction, Plan
from mofan.plans.tests.test_supervision import form_data as instruction_data

DJANGO_DEFAULTS = (
    "这个字段是必填项",
    "确保该变量",
    "确保该值",
    "输入整数",
    "输入一个整数",
    "输入一个数字",
    "输入一个有效的日期",
    "选择一个有效的选项",
    "隐藏字段",
)

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield timezone.localdate()


def page(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert not [text for text in DJANGO_DEFAULTS if text in html]
    return html


def summary(html: str) -> str:
    return re.search(r'<div class="alert alert-danger form-summary".*?</div>', html, re.S).group(0)


def selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def test_a_refused_progress_report_keeps_the_typed_text(tree, users, login, today):
    plan = services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title="实施方案",
    )
    task = services.task_create(
        actor=users.committee_admin,
        plan=plan,
        owner_org=tree.branch,
        title="开展专题学习",
        start_on=today - timedelta(days=10),
        deadline=today + timedelta(days=20),
    )
    response = login(users.secretary).post(
        f"/plans/tasks/{task.id}/report/", {"text": "已召开两次专题学习会", "percent": "150"}
    )
    html = page(response)
    assert "请修改以下 1 处错误" in summary(html)
    assert "进度（%），100 即报请验收不能大于 100" in html
    assert "已召开两次专题学习会</textarea>" in html
    assert 'value="150"' in html


def test_a_refused_member_keeps_every_other_value(tree, users, login):
    data = member_data(tree.branch, joined_on="2010年13月1日", full_member_on="2011.7.1")
    html = page(login(users.secretary).post("/members/new/", data))
    assert "入党日期填写有误：没有13月" in summary(html)
    assert 'value="李四"' in html and f'value="{data["id_number"]}"' in html
    assert 'value="2010年13月1日"' in html and 'value="2011.7.1"' in html
    assert 'value="13800138000"' in html and 'value="5400"' in html
    assert selected(html, "org") == [str(tree.branch.id)]
    assert selected(html, "category") == ["full"]
    assert not Member.objects.filter(name="李四").exists()


def test_a_member_entered_with_typed_dates_is_saved(tree, users, login):
    data = member_data(tree.branch, joined_on="2010年7月1日", full_member_on="20110701")
    response = login(users.secretary).post("/members/new/", data)
    assert response.status_code == 302
    member = Member.objects.get(name="李四")
    assert (member.joined_on.isoformat(), member.full_member_on.isoformat()) == (
        "2010-07-01",
        "2011-07-01",
    )


def meeting_data(**changes) -> dict:
    data = {
        "kind": Kind.LECTURE,
        "topic": "学习党章",
        "planned_on": "2026年6月10日",
        "held": "on",
        "held_on": "2026.6.10",
        "held_time": "09:30",
        "duration_hours": "1.5",
        "place": "三楼会议室",
        "host": "王书记",
        "recorder": "李四",
        "lecturer": "王书记",
        "minutes": "学习党章第一章",
        "votes_for": "",
        "decisions": "",
        "observer_notes": "",
        "observer_rating": "",
    }
    data.update(changes)
    return data


def test_a_refused_meeting_keeps_every_other_value(tree, users, login):
    response = login(users.secretary).post(
        f"/meetings/new/?org={tree.branch.id}", meeting_data(duration_hours="两小时")
    )
    html = page(response)
    assert "时长（小时）请填写数字" in summary(html)
    assert selected(html, "kind") == [Kind.LECTURE]
    for value in (
        "学习党章",
        "2026年6月10日",
        "2026.6.10",
        "09:30",
        "三楼会议室",
        "王书记",
        "李四",
    ):
        assert f'value="{value}"' in html
    assert "学习党章第一章</textarea>" in html
    assert re.search(r'name="held"[^>]*checked', html)
    assert not Meeting.objects.exists()


def test_a_refused_instruction_keeps_the_chosen_units_and_dates(tree, users, login):
    data = instruction_data(tree, received_on="2026年6月14日", deadline="2026年2月30日")
    html = page(login(users.committee_admin).post("/plans/supervision/new/", data))
    assert "反馈时限填写有误：2026年2月没有30日" in summary(html)
    assert sorted(selected(html, "units")) == sorted([str(tree.unit.id), str(tree.far_unit.id)])
    assert selected(html, "source") == ["leader"] and selected(html, "level") == ["urgent"]
    assert 'value="领导交办：调研报告"' in html and "请各单位报送调研报告</textarea>" in html
    assert 'value="2026年6月14日"' in html and 'value="2026年2月30日"' in html
    assert not Instruction.objects.exists()


def test_a_required_field_left_empty_says_so_in_chinese(tree, users, login):
    html = page(
        login(users.committee_admin).post(
            "/plans/supervision/new/", instruction_data(tree, title="")
        )
    )
    assert "请填写事项" in summary(html)
    assert "请修改以下 1 处错误" in html
