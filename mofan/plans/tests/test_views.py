"""The plan and task pages: scope (404 outside the sub-tree, 403 for read-only users and
secretaries where only admins act), plan and task forms, split, report with evidence, accept,
return and cancel, the three lists with their filters, sort and pages, and a unit's ledger."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.plans import services
from mofan.plans.models import Evidence, Plan, Task, TaskEvent, TaskStatus
from mofan.plans.tests.conftest import audits, pdf


def text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


def has_cell(page: str, content: str) -> bool:
    """A table cell showing exactly `content` (cells carry a data-label for phones)."""
    return re.search(rf"<td[^>]*>{re.escape(content)}</td>", page) is not None


def titles(response) -> list[str]:
    """The task titles of a list page, in the order shown."""
    return re.findall(r'<a href="/plans/tasks/\d+/">([^<]*)</a>', text(response))


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def task_form(owner_org, **changes) -> dict:
    data = {
        "owner_org": owner_org.id,
        "title": "开展模范机关创建宣传",
        "target": "全年宣传不少于 4 次",
        "owner_people": "张三",
        "leader": "李副书记",
        "start_on": "2025-01-01",
        "deadline": "2025-12-31",
        "weight": "1",
    }
    data.update(changes)
    return data


# --- plans --------------------------------------------------------------------------------------


def test_it_lists_the_plans_a_user_may_see(master, users, tree, login, today):
    far = services.plan_create(
        actor=users.committee_admin,
        org=tree.far_unit,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title="民政局机关实施方案",
    )
    page = text(login(users.unit_admin).get("/plans/"))
    assert master.title not in page  # nothing of it is the unit's yet
    assert far.title not in page
    page = text(login(users.committee_admin).get("/plans/"))
    assert master.title in page and far.title in page
    assert "新建方案" in page


def test_it_shows_a_plan_to_a_unit_once_it_holds_one_of_its_tasks(master, users, login, task):
    page = text(login(users.unit_admin).get("/plans/"))
    assert master.title in page
    assert "新建方案" in page  # the unit admin may make the unit's own plans


def test_it_filters_plans_by_year(master, users, tree, login):
    old = services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=master.year - 1,
        kind=Plan.Kind.MASTER,
        title="去年的实施方案",
    )
    page = text(login(users.committee_admin).get(f"/plans/?year={old.year}"))
    assert old.title in page
    assert master.title not in page


def test_it_creates_a_master_plan_from_the_form(users, tree, login, today):
    response = login(users.committee_admin).post(
        "/plans/new/",
        {"org": tree.committee.id, "year": today.year, "kind": "master", "title": "实施方案"},
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == f"/plans/{plan.id}/"
    assert (plan.org, plan.kind) == (tree.committee, "master")


def test_it_refuses_a_second_master_plan_in_chinese_on_the_form(master, users, tree, login):
    response = login(users.committee_admin).post(
        "/plans/new/",
        {"org": tree.committee.id, "year": master.year, "kind": "master", "title": "又一个"},
    )
    assert response.status_code == 200
    assert "年已有实施方案" in text(response)
    assert Plan.objects.count() == 1


def test_it_creates_a_sub_plan_under_the_master(master, users, tree, login):
    response = login(users.committee_admin).post(
        "/plans/new/",
        {
            "org": tree.committee.id,
            "year": master.year,
            "kind": "sub",
            "master": master.id,
            "title": "纪检工作计划",
        },
    )
    sub = Plan.objects.get(kind="sub")
    assert response.status_code == 302
    assert sub.master == master
    assert sub.title in text(login(users.committee_admin).get(f"/plans/{master.id}/"))


def test_it_refuses_a_sub_plan_without_a_master(users, tree, login, today):
    response = login(users.committee_admin).post(
        "/plans/new/", {"org": tree.committee.id, "year": today.year, "kind": "sub", "title": "x"}
    )
    assert "分方案须属于本组织同年度的实施方案" in text(response)
    assert not Plan.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "leader", "member"])
def test_it_forbids_the_new_plan_page_to_those_who_administer_nothing(who, users, tree, login):
    client = login(getattr(users, who))
    assert client.get("/plans/new/").status_code == 403
    response = client.post(
        "/plans/new/", {"org": tree.branch.id, "year": 2025, "kind": "master", "title": "x"}
    )
    assert response.status_code == 403
    assert not Plan.objects.exists()
    assert "新建方案" not in text(client.get("/plans/"))


def test_it_refuses_a_plan_for_an_org_outside_the_admins_scope(users, tree, login, today):
    response = login(users.unit_admin).post(
        "/plans/new/",
        {"org": tree.committee.id, "year": today.year, "kind": "master", "title": "越权方案"},
    )
    assert response.status_code == 200
    assert "所选制定组织已不存在或不可选，请重新选择" in text(response)
    assert not Plan.objects.exists()


def test_it_shows_a_plan_with_its_progress_items_and_tasks(master, users, tree, login, assign):
    item = services.plan_item_add(actor=users.committee_admin, plan=master, title="政治建设")
    first = assign(tree.unit, "落实第一议题制度", item=item, weight=Decimal(1))
    assign(tree.far_unit, "开展主题教育", item=item, weight=Decimal(3))
    services.task_report(actor=users.unit_admin, task=first, text="已完成", percent=100)

    page = text(login(users.leader).get(f"/plans/{master.id}/"))
    assert '<b id="plan-progress">25%</b>' in page
    assert "<td>政治建设</td><td>25%</td>" in page
    assert "落实第一议题制度" in page and "开展主题教育" in page
    assert "下达任务" not in page  # read-only


def test_it_hides_a_plan_from_an_outsider(master, users, login, task):
    client = login(users.outsider)
    assert client.get(f"/plans/{master.id}/").status_code == 404
    assert client.get(f"/plans/{master.id}/export/").status_code == 404
    assert client.get(f"/plans/{master.id}/tasks/new/").status_code == 404
    assert client.post(f"/plans/{master.id}/items/", {"title": "x"}).status_code == 404
    assert master.title not in text(client.get("/plans/"))


def test_it_adds_items_for_the_plans_admins_only(master, users, login, task):
    response = login(users.committee_admin).post(
        f"/plans/{master.id}/items/", {"number": "一", "title": "政治建设"}, follow=True
    )
    assert "已增加方案事项" in flash(response)
    assert (
        login(users.unit_admin).post(f"/plans/{master.id}/items/", {"title": "x"}).status_code
        == 403
    )
    assert master.items.count() == 1
    assert login(users.leader).post(f"/plans/{master.id}/items/", {"title": "y"}).status_code == 403
    assert master.items.count() == 1


# --- assigning and editing ----------------------------------------------------------------


def test_it_assigns_a_task_from_the_plan_page(master, users, tree, login):
    response = login(users.committee_admin).post(
        f"/plans/{master.id}/tasks/new/", task_form(tree.unit, needs_evidence="on")
    )
    task = Task.objects.get()
    assert response.status_code == 302
    assert (task.owner_org, task.assigner, task.needs_evidence) == (tree.unit, tree.committee, True)


def test_it_shows_a_broken_task_rule_on_the_form(master, users, tree, login):
    client = login(users.committee_admin)
    response = client.post(
        f"/plans/{master.id}/tasks/new/", task_form(tree.unit, deadline="2024-12-31")
    )
    assert response.status_code == 200
    assert "完成时限不能早于开始日期" in text(response)
    response = client.post(f"/plans/{master.id}/tasks/new/", task_form(tree.unit, weight="0"))
    assert response.status_code == 200
    assert not Task.objects.exists()


def test_it_offers_only_orgs_of_the_plans_sub_tree_as_owners(users, tree, login, today):
    plan = services.plan_create(
        actor=users.unit_admin, org=tree.unit, year=today.year, kind="master", title="机关方案"
    )
    client = login(users.unit_admin)
    page = text(client.get(f"/plans/{plan.id}/tasks/new/"))
    assert tree.branch.name in page
    assert tree.far_branch.name not in page
    response = client.post(f"/plans/{plan.id}/tasks/new/", task_form(tree.far_branch))
    assert response.status_code == 200
    assert not Task.objects.exists()


@pytest.mark.parametrize("who", ["unit_admin", "secretary", "leader"])
def test_it_forbids_assigning_to_those_who_do_not_administer_the_plans_org(
    who, master, users, tree, login, task, split
):
    split(task, tree.branch)  # so that the branch's secretary sees the plan
    client = login(getattr(users, who))
    assert client.get(f"/plans/{master.id}/").status_code == 200
    assert client.get(f"/plans/{master.id}/tasks/new/").status_code == 403
    response = client.post(f"/plans/{master.id}/tasks/new/", task_form(tree.branch))
    assert response.status_code == 403
    assert client.get(f"/plans/{master.id}/import/").status_code == 403
    assert Task.objects.count() == 2


def test_it_lets_the_assigner_edit_but_not_the_owner(task, users, login):
    response = login(users.committee_admin).post(
        f"/plans/tasks/{task.id}/edit/",
        task_form(
            task.owner_org, title="改后的任务", start_on=task.start_on, deadline=task.deadline
        ),
    )
    assert response.status_code == 302
    assert fresh(task).title == "改后的任务"
    assert login(users.unit_admin).get(f"/plans/tasks/{task.id}/edit/").status_code == 403
    assert login(users.outsider).get(f"/plans/tasks/{task.id}/edit/").status_code == 404


# --- the task page ------------------------------------------------------------------------


def test_it_shows_a_task_and_its_timeline(task, users, login):
    services.task_report(actor=users.unit_admin, task=task, text="召开部署会", percent=20)
    page = text(login(users.leader).get(f"/plans/tasks/{task.id}/"))
    assert '<span class="tag " id="task-status">进行中</span>' in page
    assert '<dd id="task-progress">20%</dd>' in page
    assert "下达" in page and "报告进展（20%）" in page and "召开部署会" in page
    assert "报告进展</h2>" not in page  # the leader only reads
    assert "验收通过" not in page


def test_it_shows_an_overdue_task_as_overdue(assign, tree, users, login, today):
    late = assign(tree.unit, start_on=today - timedelta(days=9), deadline=today - timedelta(days=1))
    page = text(login(users.unit_admin).get(f"/plans/tasks/{late.id}/"))
    assert '<span class="tag overdue" id="task-status">逾期</span>' in page


def test_it_hides_a_branchs_task_from_the_secretary_of_another_branch(
    task, split, tree, users, login
):
    sub = split(task, tree.branch)
    services.task_report(actor=users.secretary, task=sub, text="完成", percent=100)
    client = login(users.outsider)
    assert client.get(f"/plans/tasks/{sub.id}/").status_code == 404
    assert client.get(f"/plans/tasks/{task.id}/").status_code == 404
    assert client.post(f"/plans/tasks/{sub.id}/accept/").status_code == 404
    assert client.post(f"/plans/tasks/{sub.id}/return/", {"reason": "x"}).status_code == 404
    assert client.get(f"/plans/tasks/{sub.id}/split/").status_code == 404
    assert client.get(f"/plans/tasks/{sub.id}/edit/").status_code == 404
    assert fresh(sub).status == TaskStatus.SUBMITTED


def test_it_answers_404_to_a_report_from_outside(task, split, tree, users, login):
    sub = split(task, tree.branch)
    response = login(users.outsider).post(
        f"/plans/tasks/{sub.id}/report/", {"text": "越权", "percent": 50}
    )
    assert response.status_code == 404
    assert fresh(sub).progress == 0


def test_it_lets_the_owner_branchs_secretary_report_with_evidence(task, split, tree, users, login):
    sub = split(task, tree.branch, needs_evidence=True)
    client = login(users.secretary)
    assert "报告进展</h2>" in text(client.get(f"/plans/tasks/{sub.id}/"))
    response = client.post(
        f"/plans/tasks/{sub.id}/report/",
        {"text": "已完成", "percent": 100, "files": [pdf("支部学习记录.pdf")]},
        follow=True,
    )
    assert "已报请验收" in flash(response)
    assert fresh(sub).status == TaskStatus.SUBMITTED
    evidence = Evidence.objects.get()
    assert "支部学习记录.pdf" in text(response)
    download = login(users.unit_admin).get(f"/plans/evidence/{evidence.id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(users.outsider).get(f"/plans/evidence/{evidence.id}/").status_code == 404


def test_it_refuses_completion_without_the_evidence_the_task_needs(assign, tree, users, login):
    task = assign(tree.unit, needs_evidence=True)
    response = login(users.unit_admin).post(
        f"/plans/tasks/{task.id}/report/", {"text": "已完成", "percent": 100}, follow=True
    )
    assert "该任务完成时须上传佐证材料" in flash(response)
    assert fresh(task).status == TaskStatus.NOT_STARTED


def test_it_refuses_a_renamed_file_as_evidence(assign, tree, users, login):
    task = assign(tree.unit, needs_evidence=True)
    fake = pdf("扫描件.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    response = login(users.unit_admin).post(
        f"/plans/tasks/{task.id}/report/",
        {"text": "已完成", "percent": 100, "files": [fake]},
        follow=True,
    )
    assert "内容与扩展名不符" in flash(response)[0]
    assert fresh(task).status == TaskStatus.NOT_STARTED
    assert not Evidence.objects.exists()


def test_it_refuses_progress_that_goes_down_on_the_page(task, users, login):
    client = login(users.unit_admin)
    client.post(f"/plans/tasks/{task.id}/report/", {"text": "推进", "percent": 60})
    response = client.post(
        f"/plans/tasks/{task.id}/report/", {"text": "推进", "percent": 40}, follow=True
    )
    assert "进度不能低于上次报告的 60%" in flash(response)
    assert fresh(task).progress == 60


def test_it_lets_the_assigner_accept_and_not_the_owners_secretary(task, split, tree, users, login):
    sub = split(task, tree.branch)
    services.task_report(actor=users.secretary, task=sub, text="完成", percent=100)
    secretary = login(users.secretary)
    assert "验收通过</button>" not in text(secretary.get(f"/plans/tasks/{sub.id}/"))
    assert secretary.post(f"/plans/tasks/{sub.id}/accept/").status_code == 403
    assert fresh(sub).status == TaskStatus.SUBMITTED
    assert login(users.leader).post(f"/plans/tasks/{sub.id}/accept/").status_code == 403

    unit = login(users.unit_admin)
    assert "验收通过</button>" in text(unit.get(f"/plans/tasks/{sub.id}/"))
    response = unit.post(f"/plans/tasks/{sub.id}/accept/", follow=True)
    assert "已验收" in flash(response)
    assert fresh(sub).status == TaskStatus.DONE


def test_it_returns_only_with_a_reason(task, users, login):
    services.task_report(actor=users.unit_admin, task=task, text="完成", percent=100)
    client = login(users.committee_admin)
    response = client.post(f"/plans/tasks/{task.id}/return/", {"reason": ""}, follow=True)
    assert flash(response) == ["请填写原因"]
    assert fresh(task).status == TaskStatus.SUBMITTED
    response = client.post(
        f"/plans/tasks/{task.id}/return/", {"reason": "缺少佐证材料"}, follow=True
    )
    assert "已退回" in flash(response)
    assert fresh(task).status == TaskStatus.IN_PROGRESS
    assert re.search(r"<li>[^<]*退回 · [^<]*：缺少佐证材料", text(response))


def test_it_cancels_only_with_a_reason(task, users, login):
    client = login(users.committee_admin)
    client.post(f"/plans/tasks/{task.id}/cancel/", {"reason": ""})
    assert fresh(task).status == TaskStatus.NOT_STARTED
    response = client.post(f"/plans/tasks/{task.id}/cancel/", {"reason": "工作调整"}, follow=True)
    assert "已取消任务" in flash(response)
    assert fresh(task).status == TaskStatus.CANCELLED


def test_it_forbids_the_owner_to_cancel_the_assigners_task(task, users, login):
    response = login(users.unit_admin).post(f"/plans/tasks/{task.id}/cancel/", {"reason": "不想做"})
    assert response.status_code == 403
    assert fresh(task).status == TaskStatus.NOT_STARTED


def test_it_answers_404_to_an_unknown_decision(task, users, login):
    response = login(users.committee_admin).post(f"/plans/tasks/{task.id}/delete/", {"reason": "x"})
    assert response.status_code == 404


# --- splitting ---------------------------------------------------------------------------------


def test_it_lets_the_unit_split_its_task_on_the_page(task, tree, users, login):
    client = login(users.unit_admin)
    page = text(client.get(f"/plans/tasks/{task.id}/split/"))
    assert tree.branch.name in page
    assert f'<option value="{tree.unit.id}"' not in page  # not to itself
    response = client.post(
        f"/plans/tasks/{task.id}/split/",
        task_form(tree.branch, start_on=task.start_on, deadline=task.deadline, weight="3"),
        follow=True,
    )
    assert f"已分解给{tree.branch.name}" in flash(response)
    sub = Task.objects.get(parent=task)
    assert (sub.owner_org, sub.assigner, sub.weight) == (tree.branch, tree.unit, Decimal(3))
    assert "报告进展</h2>" not in text(response)  # progress now comes from the sub-task


def test_it_refuses_a_sub_task_due_after_its_parent_on_the_page(task, tree, users, login):
    response = login(users.unit_admin).post(
        f"/plans/tasks/{task.id}/split/",
        task_form(tree.branch, start_on=task.start_on, deadline=task.deadline + timedelta(days=1)),
    )
    assert response.status_code == 200
    assert "分解任务的完成时限不能晚于上级任务" in text(response)
    assert not Task.objects.filter(parent=task).exists()


def test_it_forbids_splitting_to_others_than_the_owners_admins(task, split, tree, users, login):
    sub = split(task, tree.branch)
    secretary = login(users.secretary)
    assert secretary.get(f"/plans/tasks/{sub.id}/split/").status_code == 403
    response = secretary.post(f"/plans/tasks/{sub.id}/split/", task_form(tree.group))
    assert response.status_code == 403
    assert login(users.leader).get(f"/plans/tasks/{task.id}/split/").status_code == 403
    assert not Task.objects.filter(parent=sub).exists()


def test_it_shows_the_roll_up_of_a_split_task(task, split, tree, users, login):
    first = split(task, tree.branch, weight=Decimal(1))
    split(task, tree.other_branch, weight=Decimal(3))
    services.task_report(actor=users.secretary, task=first, text="完成", percent=100)
    page = text(login(users.committee_admin).get(f"/plans/tasks/{task.id}/"))
    assert '<dd id="task-progress">25%（由分解任务加权汇总）</dd>' in page


def test_it_offers_the_report_form_again_once_every_sub_task_is_cancelled(
    task, split, tree, users, login
):
    sub = split(task, tree.branch)
    services.task_cancel(actor=users.unit_admin, task=sub, reason="改由机关党委办理")
    assert "报告进展</h2>" in text(login(users.unit_admin).get(f"/plans/tasks/{task.id}/"))


# --- the three lists -------------------------------------------------------------------------


@pytest.fixture
def listed(assign, split, tree, users, today):
    """Tasks in several statuses: overdue, due soon, done, cancelled, and a branch's sub-task."""
    day = timedelta(days=1)
    late = assign(
        tree.unit, "逾期的任务", start_on=today - 20 * day, deadline=today - day, owner_people="甲"
    )
    soon = assign(tree.unit, "本周到期", deadline=today + 3 * day, owner_people="乙")
    done = assign(tree.far_unit, "已办完", deadline=today - 2 * day, leader="丙")
    services.task_report(actor=SYSTEM, task=done, text="完成", percent=100)
    services.task_accept(actor=users.committee_admin, task=fresh(done))
    dropped = assign(tree.far_unit, "取消的任务", deadline=today + 40 * day)
    services.task_cancel(actor=users.committee_admin, task=dropped, reason="调整")
    branch = split(soon, tree.branch, "支部学习", deadline=today + 2 * day, owner_people="丁")
    return {"late": late, "soon": soon, "done": done, "dropped": dropped, "branch": branch}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["已办完", "逾期的任务", "支部学习", "本周到期", "取消的任务"]),
        ("status=overdue", ["逾期的任务"]),
        ("status=open", ["逾期的任务", "支部学习", "本周到期"]),
        ("status=done", ["已办完"]),
        ("status=cancelled", ["取消的任务"]),
        ("owner={unit}", ["逾期的任务", "支部学习", "本周到期"]),
        ("owner={branch}", ["支部学习"]),
        ("due_after={today}", ["支部学习", "本周到期", "取消的任务"]),
        ("due_before={today}", ["已办完", "逾期的任务"]),
        ("q=丙", ["已办完"]),
        ("q=支部", ["支部学习"]),
        ("owner={unit}&status=overdue", ["逾期的任务"]),
    ],
)
def test_it_filters_the_task_list(query, expected, listed, tree, users, login, today):
    query = query.format(unit=tree.unit.id, branch=tree.branch.id, today=today.isoformat())
    response = login(users.committee_admin).get(f"/plans/tasks/?{query}")
    assert titles(response) == expected


def test_it_filters_by_plan(listed, master, users, tree, login, today):
    other = services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=today.year,
        kind="sub",
        master=master,
        title="纪检工作计划",
    )
    services.task_create(
        actor=users.committee_admin,
        plan=other,
        owner_org=tree.unit,
        title="廉政教育",
        start_on=today,
        deadline=today,
    )
    client = login(users.committee_admin)
    assert titles(client.get(f"/plans/tasks/?plan={other.id}")) == ["廉政教育"]
    assert "廉政教育" not in titles(client.get(f"/plans/tasks/?plan={master.id}"))


def test_it_keeps_the_good_filters_when_one_value_is_wrong(listed, tree, users, login):
    response = login(users.committee_admin).get(
        f"/plans/tasks/?owner={tree.branch.id}&due_before=2025-13-45"
    )
    assert titles(response) == ["支部学习"]


def test_it_marks_overdue_tasks_in_the_list(listed, users, login):
    page = text(login(users.committee_admin).get("/plans/tasks/?status=open"))
    assert page.count('<span class="tag overdue">逾期</span>') == 1


def test_it_shows_the_three_views_of_the_same_tasks(listed, tree, users, login):
    client = login(users.unit_admin)
    tasks = client.get("/plans/tasks/?view=tasks")
    people = client.get("/plans/tasks/?view=people")
    time = client.get("/plans/tasks/?view=time")
    assert "<h1>任务清单</h1>" in text(tasks)
    assert "<h1>责任清单</h1>" in text(people)
    assert "<h1>时间清单</h1>" in text(time)
    assert set(titles(tasks)) == set(titles(people)) == set(titles(time))
    assert titles(time) == ["逾期的任务", "支部学习", "本周到期"]  # by deadline
    assert titles(people) == ["逾期的任务", "本周到期", "支部学习"]  # by owner, unit first
    assert has_cell(text(people), "丁")


def test_it_shows_a_secretary_only_the_branchs_tasks(listed, users, login):
    assert titles(login(users.secretary).get("/plans/tasks/")) == ["支部学习"]
    assert titles(login(users.outsider).get("/plans/tasks/")) == []


def test_it_answers_404_for_an_owner_or_plan_outside_the_scope(listed, master, tree, users, login):
    client = login(users.secretary)
    assert client.get(f"/plans/tasks/?owner={tree.far_unit.id}").status_code == 404
    assert login(users.outsider).get(f"/plans/tasks/?plan={master.id}").status_code == 404


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("-deadline", ["取消的任务", "本周到期", "支部学习", "逾期的任务", "已办完"]),
        ("nonsense", ["已办完", "逾期的任务", "支部学习", "本周到期", "取消的任务"]),
    ],
)
def test_it_sorts_the_list(sort, expected, listed, users, login):
    response = login(users.committee_admin).get(f"/plans/tasks/?sort={sort}")
    assert titles(response) == expected


def test_it_sorts_the_list_by_title(listed, users, login):
    client = login(users.committee_admin)
    ascending = titles(client.get("/plans/tasks/?sort=title"))
    assert ascending == sorted(ascending)
    assert titles(client.get("/plans/tasks/?sort=-title")) == ascending[::-1]


@pytest.fixture
def many(assign, tree, today):
    """55 tasks of the unit, due one a day."""
    return [
        assign(tree.unit, f"任务{n:02d}", start_on=today, deadline=today + timedelta(days=n))
        for n in range(55)
    ]


def test_it_pages_the_list_and_keeps_filters_and_sort_on_the_next_page(many, tree, users, login):
    client = login(users.unit_admin)
    first = client.get(f"/plans/tasks/?owner={tree.unit.id}&sort=-deadline")
    assert len(titles(first)) == 50
    assert titles(first)[0] == "任务54"
    assert "第 1 / 2 页，共 55 条" in text(first)
    [next_link] = re.findall(r'<a class="page-link" href="\?([^"]*)">下一页</a>', text(first))
    second = client.get(f"/plans/tasks/?{next_link.replace('&amp;', '&')}")
    assert titles(second) == [f"任务{n:02d}" for n in range(4, -1, -1)]


def test_it_lists_many_tasks_in_the_same_number_of_queries(
    assign, split, tree, users, login, today, django_assert_max_num_queries
):
    client = login(users.unit_admin)
    url = f"/plans/tasks/?owner={tree.unit.id}&view=people"
    assign(tree.unit, "第一项")
    with CaptureQueriesContext(connection) as few:
        assert len(titles(client.get(url))) == 1
    for n in range(30):
        parent = assign(tree.unit, f"任务{n}", deadline=today + timedelta(days=n))
        if n % 3 == 0:
            split(parent, tree.branch, f"支部任务{n}")
    with django_assert_max_num_queries(len(few)):
        assert len(titles(client.get(url))) == 41


# --- a unit's ledger ------------------------------------------------------------------------


def test_it_shows_a_units_ledger_with_its_branches_tasks(listed, tree, users, login):
    page = login(users.unit_admin).get(f"/plans/tasks/?owner={tree.unit.id}")
    assert f"<h1>{tree.unit.name} · 任务清单</h1>" in text(page)
    assert titles(page) == ["逾期的任务", "支部学习", "本周到期"]
    assert has_cell(text(page), tree.branch.name)


def test_it_shows_a_split_tasks_rolled_up_progress_in_the_lists(task, split, tree, users, login):
    first = split(task, tree.branch, weight=Decimal(1))
    split(task, tree.other_branch, weight=Decimal(3))
    services.task_report(actor=users.secretary, task=first, text="完成", percent=100)
    page = text(login(users.unit_admin).get(f"/plans/tasks/?owner={tree.unit.id}"))
    row = re.search(rf'<a href="/plans/tasks/{task.id}/">.*?</tr>', page, re.S).group(0)
    assert has_cell(row, "25%")
    assert "进行中" in row


def test_it_records_an_audit_row_for_each_list_export(listed, tree, users, login):
    login(users.unit_admin).get(f"/plans/tasks/?owner={tree.unit.id}&export=1")
    [log] = audits("task.export")
    assert log.user == users.unit_admin
    assert log.detail == "任务清单 3 项"


def test_it_writes_the_timeline_kinds_in_chinese(task, users, login):
    services.task_report(actor=users.unit_admin, task=task, text="完成", percent=100)
    services.task_accept(actor=users.committee_admin, task=fresh(task))
    page = text(login(users.unit_admin).get(f"/plans/tasks/{task.id}/"))
    for kind in (TaskEvent.Kind.CREATED, TaskEvent.Kind.SUBMITTED, TaskEvent.Kind.ACCEPTED):
        assert kind.label in page
    assert '<span class="tag " id="task-status">已完成</span>' in page


def test_it_shows_a_secretary_the_branchs_tasks_on_the_plan_page(
    task, split, master, tree, users, login
):
    split(task, tree.branch, "支部落实任务")
    page = text(login(users.secretary).get(f"/plans/{master.id}/"))
    assert "支部落实任务" in page
    assert task.title not in page
