"""Issue 10 §4 in plans: a unit reads the sub-plans of the master plan it holds tasks of; task
acceptance asks for confirmation and keeps its 验收意见; one progress format; a refused report
keeps the typed text; the timeline's files carry a text label, not an emoji."""

import re
from datetime import timedelta

from mofan.core.models import AuditLog
from mofan.notifications.models import Notification
from mofan.plans import services
from mofan.plans.models import Plan, TaskEvent, TaskStatus
from mofan.plans.tests.conftest import pdf


def text(response) -> str:
    return response.content.decode()


def sub_plan(master, users, title="2026年理论学习计划"):
    return services.plan_create(
        actor=users.committee_admin,
        org=master.org,
        year=master.year,
        kind=Plan.Kind.SUB,
        master=master,
        title=title,
    )


def test_a_unit_holding_a_task_of_the_master_plan_opens_its_sub_plans(master, users, login, task):
    study = sub_plan(master, users)
    client = login(users.unit_admin)
    assert client.get(f"/plans/{study.id}/").status_code == 200
    assert study.title in text(client.get("/plans/"))
    assert study.title in text(client.get(f"/plans/{master.id}/"))


def test_a_unit_without_a_task_of_the_master_plan_does_not_see_its_sub_plans(
    master, users, tree, login, assign
):
    assign(tree.unit)
    study = sub_plan(master, users)
    # The other branch's secretary holds no task of the master plan (the unit's task is above it).
    assert login(users.outsider).get(f"/plans/{study.id}/").status_code == 404


def test_acceptance_asks_for_confirmation_and_keeps_the_comment(task, users, login):
    services.task_report(actor=users.unit_admin, task=task, text="已完成", percent=100)
    client = login(users.committee_admin)
    page = text(client.get(f"/plans/tasks/{task.id}/"))
    assert f'data-confirm="确定验收通过任务“{task.title}”？"' in page
    assert "验收意见" in page
    response = client.post(
        f"/plans/tasks/{task.id}/accept/", {"reason": "台账齐全，予以通过"}, follow=True
    )
    assert task.__class__.objects.get(pk=task.pk).status == TaskStatus.DONE
    assert re.search(r"<li>[^<]*验收通过 · [^<]*：台账齐全，予以通过", text(response))
    event = task.events.get(kind=TaskEvent.Kind.ACCEPTED)
    assert event.text == "台账齐全，予以通过"
    assert AuditLog.objects.get(action="task.accept").detail == "台账齐全，予以通过"
    note = Notification.objects.get(user=users.unit_admin, title__startswith="任务已通过验收")
    assert "台账齐全，予以通过" in note.body


def test_acceptance_without_a_comment_reads_as_accepted(task, users, login):
    services.task_report(actor=users.unit_admin, task=task, text="已完成", percent=100)
    login(users.committee_admin).post(f"/plans/tasks/{task.id}/accept/", {"reason": ""})
    assert task.events.get(kind=TaskEvent.Kind.ACCEPTED).text == "验收通过"


def test_a_rolled_up_progress_shows_like_a_reported_one(task, split, tree, users, login):
    first = split(task, tree.branch)
    split(task, tree.other_branch)
    services.task_report(actor=users.secretary, task=first, text="推进", percent=100)
    services.task_accept(actor=users.unit_admin, task=first)
    page = text(login(users.committee_admin).get(f"/plans/tasks/{task.id}/"))
    assert '<dd id="task-progress">50%（由分解任务加权汇总）</dd>' in page
    assert ".0%" not in page


def test_a_refused_report_keeps_the_typed_text(assign, tree, users, login):
    task = assign(tree.unit, needs_evidence=True)
    response = login(users.unit_admin).post(
        f"/plans/tasks/{task.id}/report/", {"text": "召开专题会议三次，形成台账", "percent": 100}
    )
    page = text(response)
    assert response.status_code == 200
    assert "该任务完成时须上传佐证材料" in page
    assert "召开专题会议三次，形成台账</textarea>" in page
    assert task.__class__.objects.get(pk=task.pk).status == TaskStatus.NOT_STARTED


def test_the_timeline_labels_a_file_in_text(task, users, login):
    services.task_report(
        actor=users.unit_admin, task=task, text="推进", percent=50, files=[pdf("学习记录.pdf")]
    )
    page = text(login(users.unit_admin).get(f"/plans/tasks/{task.id}/"))
    assert '<span class="tag">附件</span> 学习记录.pdf' in page
    assert "\U0001f4ce" not in page


# --- the 督办 register --------------------------------------------------------------------------


def registered(tree, users, today, title, assignments):
    from mofan.plans import supervision

    return supervision.instruction_register(
        actor=users.committee_admin,
        org=tree.committee,
        source="leader",
        title=title,
        content="抓好落实",
        received_on=today - timedelta(days=30),
        level="normal",
        assignments=assignments,
    )


def register_rows(response) -> list[str]:
    body = text(response).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)


def test_the_register_shows_units_deadlines_and_status_with_overdue_rows_marked(
    tree, users, login, today
):
    late = registered(tree, users, today, "逾期事项", [(tree.unit, today - timedelta(days=2))])
    registered(tree, users, today, "临期事项", [(tree.far_unit, today + timedelta(days=1))])
    page = text(login(users.committee_admin).get("/plans/supervision/"))
    assert "<th>承办单位</th><th>时限</th><th>状态</th>" in page
    rows = register_rows(login(users.committee_admin).get("/plans/supervision/"))
    [bad] = [r for r in rows if "逾期事项" in r]
    assert bad.startswith('<tr class="row-bad">')
    assert tree.unit.name in bad and f"{late.assignments.get().deadline:%Y-%m-%d}" in bad
    assert '<span class="tag tag-bad">逾期未反馈</span>' in bad
    [due] = [r for r in rows if "临期事项" in r]
    assert "row-bad" not in due and '<span class="tag tag-due">待反馈（临期）</span>' in due


def test_the_register_filters_by_status(tree, users, login, today):
    registered(tree, users, today, "逾期事项", [(tree.unit, today - timedelta(days=2))])
    registered(tree, users, today, "未到期事项", [(tree.unit, today + timedelta(days=20))])
    client = login(users.committee_admin)
    overdue = text(client.get("/plans/supervision/?status=overdue"))
    assert "逾期事项" in overdue and "未到期事项" not in overdue
    assert '<option value="overdue" selected>逾期未反馈</option>' in overdue
    assert "未到期事项" in text(client.get("/plans/supervision/?status=pending"))
    assert "未到期事项" not in text(client.get("/plans/supervision/?status=closed"))
    assert login(users.outsider).get("/plans/supervision/?status=overdue").status_code == 200
    assert "逾期事项" not in text(login(users.outsider).get("/plans/supervision/?status=overdue"))


def test_an_answer_carries_files_downloaded_only_within_scope(tree, users, login, today):
    from mofan.plans.models import FeedbackFile

    item = registered(tree, users, today, "报送材料", [(tree.unit, today + timedelta(days=5))])
    assignment = item.assignments.get()
    client = login(users.unit_admin)
    page = text(client.get(f"/plans/supervision/{item.id}/"))
    assert 'enctype="multipart/form-data"' in page and "反馈材料（可多选）" in page
    client.post(
        f"/plans/supervision/assignments/{assignment.id}/answer/",
        {"text": "已落实", "on": today.isoformat(), "files": [pdf("落实情况.pdf")]},
    )
    stored = FeedbackFile.objects.get()
    assert stored.feedback.assignment == assignment and stored.original_name == "落实情况.pdf"
    page = text(login(users.committee_admin).get(f"/plans/supervision/{item.id}/"))
    assert (
        f'<a href="/plans/supervision/files/{stored.id}/"><span class="tag">附件</span> 落实情况.pdf</a>'
        in page
    )
    download = login(users.committee_admin).get(f"/plans/supervision/files/{stored.id}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(users.outsider).get(f"/plans/supervision/files/{stored.id}/").status_code == 404
    assert (
        AuditLog.objects.filter(action="supervision.answer").get().detail.endswith("（附件 1 个）")
    )


def test_an_answer_with_a_renamed_file_is_refused(tree, users, login, today):
    from mofan.plans.models import Assignment, FeedbackFile

    item = registered(tree, users, today, "报送材料", [(tree.unit, today + timedelta(days=5))])
    assignment = item.assignments.get()
    fake = pdf("扫描件.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    login(users.unit_admin).post(
        f"/plans/supervision/assignments/{assignment.id}/answer/",
        {"text": "已落实", "on": today.isoformat(), "files": [fake]},
    )
    assert not FeedbackFile.objects.exists()
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.PENDING


# --- read-only users see no action that would answer 403 ----------------------------------------


def test_the_read_only_leader_sees_no_action_on_plans_tasks_and_supervision(
    master, task, tree, users, login, today
):
    item = registered(tree, users, today, "领导交办", [(tree.unit, today + timedelta(days=5))])
    assignment = item.assignments.get()
    client = login(users.leader)
    pages = {
        f"/plans/{master.id}/": ["下达任务</a>", "导入任务</a>"],
        f"/plans/tasks/{task.id}/": ["修改</a>", "分解给下级</a>", "报告进展</h2>", "取消任务"],
        "/plans/supervision/": ["登记督办事项</a>"],
        f"/plans/supervision/{item.id}/": [">反馈</button>", ">催办</button>", ">办结</button>"],
        "/plans/weekly/": ["周调度</a></div>"],
    }
    for url, actions in pages.items():
        page = text(client.get(url))
        assert [a for a in actions if a in page] == [], url
    # and what those buttons lead to is refused
    assert client.get(f"/plans/{master.id}/tasks/new/").status_code in (403, 404, 405)
    answer = f"/plans/supervision/assignments/{assignment.id}/answer/"
    assert client.post(answer, {"text": "越权", "on": today.isoformat()}).status_code == 403
    admin_page = text(login(users.committee_admin).get(f"/plans/supervision/{item.id}/"))
    assert ">催办</button>" in admin_page and ">办结</button>" in admin_page
