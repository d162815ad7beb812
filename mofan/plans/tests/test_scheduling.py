"""周调度 and 月计划: a weekly meeting keeps each reviewed task as it stood at that moment, a
decision becomes a task of the ledger, and the monthly plan is generated from the tasks: due
that month, or open and running through it, and nothing else."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.plans import scheduling, services
from mofan.plans.models import Plan, Task, TaskStatus, WeeklyMeeting

TODAY = timezone.localdate()


@pytest.fixture
def plan(tree):
    return services.plan_create(
        actor=SYSTEM, org=tree.committee, year=2031, kind=Plan.Kind.MASTER, title="创建实施方案"
    )


@pytest.fixture
def make_task(plan):
    def _make_task(owner, title, start, deadline, **fields):
        return services.task_create(
            actor=SYSTEM, plan=plan, owner_org=owner, title=title, start_on=start, deadline=deadline,
            **fields,
        )  # fmt: skip

    return _make_task


def report(task, percent, text="按计划推进"):
    services.task_report(actor=SYSTEM, task=task, text=text, percent=percent)
    task.refresh_from_db()
    return task


def finish(task):
    report(task, 100, "已完成")
    return services.task_accept(actor=SYSTEM, task=task)


def record(org, held_on, reviews, actor=SYSTEM, attendees="张书记、李委员", decisions=""):
    return scheduling.weekly_meeting_record(
        actor=actor,
        org=org,
        held_on=held_on,
        attendees=attendees,
        decisions=decisions,
        reviews=reviews,
    )


def text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


# --- 周调度 ----------------------------------------------------------------------------------------


def test_a_review_keeps_the_task_as_it_stood_that_day(tree, users, make_task, login):
    late = report(make_task(tree.branch, "学习制度汇编", date(2031, 1, 1), date(2031, 3, 1)), 30)
    fresh = make_task(tree.other_branch, "主题党日方案", date(2031, 1, 1), date(2031, 6, 30))
    meeting = record(
        tree.unit, date(2031, 3, 4), [(late, "本周内补齐"), (fresh, "")], actor=users.unit_admin
    )

    # Afterwards the tasks move on …
    report(late, 60)
    services.task_update(actor=SYSTEM, task=late, deadline=date(2031, 4, 30))
    report(fresh, 100)

    # … but the record of the meeting does not.
    reviews = {r.task: r for r in meeting.reviews.all()}
    assert (reviews[late].status, reviews[late].progress, reviews[late].overdue) == (
        TaskStatus.IN_PROGRESS,
        30,
        True,
    )
    assert reviews[late].note == "本周内补齐"
    assert (reviews[fresh].status, reviews[fresh].progress, reviews[fresh].overdue) == (
        TaskStatus.NOT_STARTED,
        0,
        False,
    )
    assert AuditLog.objects.filter(
        action="weekly.record", user=users.unit_admin, target_id=str(meeting.id)
    ).exists()

    page = text(login(users.unit_admin).get(f"/plans/weekly/{meeting.id}/"))
    rows = re.findall(
        r"<tr><td><a [^>]*>([^<]*)</a></td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", page
    )
    assert sorted(rows) == [("主题党日方案", "0%", "未开始"), ("学习制度汇编", "30%", "逾期")]


def test_a_review_of_a_split_task_keeps_its_rolled_up_progress(tree, make_task):
    parent = make_task(tree.unit, "理论学习", date(2031, 1, 1), date(2031, 6, 30))
    first = services.task_split(
        actor=SYSTEM, parent=parent, owner_org=tree.branch, title="一支部学习",
        start_on=date(2031, 1, 1), deadline=date(2031, 6, 30), weight=3,
    )  # fmt: skip
    services.task_split(
        actor=SYSTEM, parent=parent, owner_org=tree.other_branch, title="二支部学习",
        start_on=date(2031, 1, 1), deadline=date(2031, 6, 30), weight=1,
    )  # fmt: skip
    report(first, 80)
    parent.refresh_from_db()
    meeting = record(tree.unit, date(2031, 3, 4), [(parent, ""), (first, "")])
    assert {r.task.title: r.progress for r in meeting.reviews.all()} == {
        "理论学习": 60,
        "一支部学习": 80,
    }


def test_it_refuses_a_task_outside_the_org(tree, make_task):
    far = make_task(tree.far_branch, "民政局任务", date(2031, 1, 1), date(2031, 6, 30))
    with pytest.raises(ApplicationError, match="任务“民政局任务”不在本组织范围内"):
        record(tree.unit, date(2031, 3, 4), [(far, "")])
    assert not WeeklyMeeting.objects.exists()


def test_it_requires_the_attendees(tree):
    with pytest.raises(ApplicationError, match="请填写参会人员"):
        record(tree.unit, date(2031, 3, 4), [], attendees=" ")


@pytest.mark.parametrize("who", ["secretary", "leader", "outsider"])
def test_only_an_admin_records_a_weekly_meeting(tree, users, who):
    with pytest.raises(PermissionDenied):
        record(tree.unit, date(2031, 3, 4), [], actor=getattr(users, who))


def test_the_form_records_the_chosen_tasks(tree, users, make_task, login):
    chosen = report(make_task(tree.branch, "学习制度汇编", TODAY, TODAY + timedelta(days=30)), 20)
    other = make_task(tree.other_branch, "主题党日方案", TODAY, TODAY + timedelta(days=30))
    make_task(tree.far_branch, "民政局任务", TODAY, TODAY + timedelta(days=30))
    finish(make_task(tree.branch, "已完成的任务", TODAY, TODAY + timedelta(days=30)))
    client = login(users.unit_admin)
    url = f"/plans/weekly/new/{tree.unit.id}/"

    response = client.get(url)
    assert response.status_code == 200
    assert [t.title for t, _ in response.context["rows"]] == ["学习制度汇编", "主题党日方案"]

    response = client.post(
        url,
        {
            "held_on": TODAY.isoformat(),
            "attendees": "单位书记、各支部书记",
            "decisions": "加快学习进度",
            f"review-{chosen.id}": "1",
            f"note-{chosen.id}": "月底前完成",
            f"note-{other.id}": "未勾选，不记录",
        },
        follow=True,
    )
    meeting = WeeklyMeeting.objects.get()
    assert response.redirect_chain[-1][0] == f"/plans/weekly/{meeting.id}/"
    assert flash(response) == ["已记录周调度"]
    assert list(meeting.reviews.values_list("task__title", "progress", "note")) == [
        ("学习制度汇编", 20, "月底前完成")
    ]


def test_the_form_shows_missing_attendees(tree, users, login):
    response = login(users.unit_admin).post(
        f"/plans/weekly/new/{tree.unit.id}/", {"held_on": TODAY.isoformat(), "attendees": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert not WeeklyMeeting.objects.exists()


def test_the_weekly_pages_keep_to_the_scope(tree, users, login):
    meeting = record(tree.unit, TODAY, [])
    url = f"/plans/weekly/new/{tree.unit.id}/"
    assert login(users.outsider).get(url).status_code == 404
    assert login(users.outsider).get(f"/plans/weekly/{meeting.id}/").status_code == 404
    assert login(users.leader).get(url).status_code == 403
    assert login(users.secretary).get(f"/plans/weekly/new/{tree.branch.id}/").status_code == 403
    assert login(users.leader).get(f"/plans/weekly/{meeting.id}/").status_code == 200
    assert list(login(users.unit_admin).get("/plans/weekly/").context["page"]) == [meeting]
    assert list(login(users.outsider).get("/plans/weekly/").context["page"]) == []


def decision(tree, **changes) -> dict:
    data = {
        "owner_org": tree.branch.id,
        "title": "补充完善学习台账",
        "content": "周调度议定",
        "target": "台账齐全",
        "owner_people": "王书记",
        "leader": "李主任",
        "start_on": TODAY.isoformat(),
        "deadline": (TODAY + timedelta(days=14)).isoformat(),
        "milestones": "",
        "weight": "1",
    }
    data.update(changes)
    return data


def test_a_decision_creates_a_task_of_the_ledger(tree, users, login):
    meeting = record(tree.unit, TODAY, [], decisions="补充完善学习台账")
    response = login(users.unit_admin).post(
        f"/plans/weekly/{meeting.id}/", decision(tree), follow=True
    )
    assert flash(response) == ["已根据议定事项下达任务“补充完善学习台账”"]
    task = Task.objects.get()
    assert (task.source_meeting, task.plan, task.assigner, task.owner_org) == (
        meeting,
        None,
        tree.unit,
        tree.branch,
    )
    assert "补充完善学习台账</a>（发改委第一党支部" in text(response)

    secretary = login(users.secretary)
    ledger = secretary.get(f"/plans/tasks/?owner={tree.branch.id}")
    assert [t.title for t, _ in ledger.context["rows"]] == ["补充完善学习台账"]
    assert "周调度议定" in text(secretary.get(f"/plans/tasks/{task.id}/"))
    export = secretary.get(f"/plans/tasks/?owner={tree.branch.id}&export=1")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert any(row[1] == "周调度" and row[3] == "补充完善学习台账" for row in rows)


def test_a_decision_task_is_refused_outside_the_meetings_org(tree, users, login):
    meeting = record(tree.unit, TODAY, [])
    response = login(users.unit_admin).post(
        f"/plans/weekly/{meeting.id}/", decision(tree, owner_org=tree.far_branch.id)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner_org"]
    assert not Task.objects.exists()


def test_a_read_only_user_cannot_create_a_decision_task(tree, users, login):
    meeting = record(tree.unit, TODAY, [])
    response = login(users.leader).post(f"/plans/weekly/{meeting.id}/", decision(tree))
    assert response.status_code == 403
    assert not Task.objects.exists()


# --- 月计划 ----------------------------------------------------------------------------------------


@pytest.fixture
def march(tree, make_task):
    """Tasks around March 2031; the unit's monthly plan lists the first three and the task
    still open from February."""
    d = date
    tasks = {
        "三月到期": report(make_task(tree.branch, "三月到期", d(2031, 1, 10), d(2031, 3, 20)), 40),
        "三月已完成": finish(make_task(tree.unit, "三月已完成", d(2031, 2, 1), d(2031, 3, 5))),
        "跨月推进": make_task(tree.other_branch, "跨月推进", d(2031, 2, 1), d(2031, 5, 31)),
        "四月开始": make_task(tree.branch, "四月开始", d(2031, 4, 1), d(2031, 4, 30)),
        "二月已完成": finish(make_task(tree.branch, "二月已完成", d(2031, 1, 1), d(2031, 2, 28))),
        # Overdue since February and still open: carried into March's plan.
        "二月未完成": make_task(tree.branch, "二月未完成", d(2031, 1, 1), d(2031, 2, 20)),
        "跨月已完成": finish(make_task(tree.branch, "跨月已完成", d(2031, 2, 1), d(2031, 5, 31))),
        "已取消": make_task(tree.branch, "已取消", d(2031, 3, 1), d(2031, 3, 15)),
        "民政局三月": make_task(tree.far_branch, "民政局三月", d(2031, 3, 1), d(2031, 3, 10)),
    }
    services.task_cancel(actor=SYSTEM, task=tasks["已取消"], reason="合并到其他任务")
    return tasks


def listed(response) -> list[str]:
    return [t.title for t, _ in response.context["rows"]]


def test_the_monthly_plan_lists_what_is_due_or_running_and_nothing_else(march, tree, users, login):
    response = login(users.unit_admin).get(f"/plans/monthly/?org={tree.unit.id}&year=2031&month=3")
    assert response.status_code == 200
    assert listed(response) == ["三月已完成", "二月未完成", "三月到期", "跨月推进"]
    page = text(response)
    assert "市发改委机关党委 · 2031年3月工作计划" in page
    assert "<td>三月到期</td><td></td><td>2031-03-20</td><td>40%</td><td>进行中</td>" in page
    assert "<td>三月已完成</td><td></td><td>2031-03-05</td><td>100%</td><td>已完成</td>" in page


def test_the_monthly_plan_of_the_whole_tree(march, tree, users, login):
    response = login(users.committee_admin).get(
        f"/plans/monthly/?org={tree.committee.id}&year=2031&month=3"
    )
    assert sorted(listed(response)) == [
        "三月到期",
        "三月已完成",
        "二月未完成",
        "民政局三月",
        "跨月推进",
    ]


def test_the_monthly_plan_is_generated_from_the_tasks(march, tree, users, login):
    services.task_update(
        actor=SYSTEM, task=march["四月开始"], start_on=date(2031, 3, 1), deadline=date(2031, 3, 31)
    )
    response = login(users.unit_admin).get(f"/plans/monthly/?org={tree.unit.id}&year=2031&month=3")
    assert listed(response) == ["三月已完成", "二月未完成", "三月到期", "四月开始", "跨月推进"]
    response = login(users.unit_admin).get(f"/plans/monthly/?org={tree.unit.id}&year=2031&month=4")
    # April: what is still open from February and March is carried over, overdue.
    assert listed(response) == ["二月未完成", "三月到期", "四月开始", "跨月推进"]


def test_a_split_task_shows_its_rolled_up_progress(tree, users, make_task, login):
    parent = make_task(tree.unit, "理论学习", date(2031, 3, 1), date(2031, 3, 31))
    sub = services.task_split(
        actor=SYSTEM, parent=parent, owner_org=tree.branch, title="一支部学习",
        start_on=date(2031, 3, 1), deadline=date(2031, 3, 31),
    )  # fmt: skip
    report(sub, 70)
    response = login(users.unit_admin).get(f"/plans/monthly/?org={tree.unit.id}&year=2031&month=3")
    assert [(t.title, t.progress) for t, _ in response.context["rows"]] == [
        ("理论学习", 70),
        ("一支部学习", 70),
    ]


def test_the_monthly_plan_keeps_to_the_scope(march, tree, users, login):
    client = login(users.outsider)
    assert client.get(f"/plans/monthly/?org={tree.unit.id}&year=2031&month=3").status_code == 404
    response = client.get("/plans/monthly/?year=2031&month=3")
    assert response.context["org"] == tree.other_branch
    assert listed(response) == ["跨月推进"]


def test_the_monthly_plan_defaults_to_this_month(march, tree, users, login):
    response = login(users.leader).get("/plans/monthly/?year=2031&month=13")
    assert response.status_code == 200
    assert (response.context["org"], response.context["year"], response.context["month"]) == (
        tree.committee,
        TODAY.year,
        TODAY.month,
    )
