"""The plan and task endpoints of /api/v1/: scope (404 outside the sub-tree), read-only grants
and secretaries where only admins act (403), no token (401), bad input (400 with a Chinese
detail, never 422 or 500), the list filters, splitting by parent_id, progress, accept, return."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.plans import services
from mofan.plans.models import Plan, Task, TaskEvent, TaskStatus
from mofan.plans.tests.conftest import audits, timeline

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def post(client, url, data):
    return client.post(f"/api/v1{url}", data=data, content_type="application/json")


def patch(client, url, data):
    return client.patch(f"/api/v1{url}", data=data, content_type="application/json")


def assert_bad_request(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail), detail
    return detail


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def new_task(plan, owner, **changes) -> dict:
    data = {
        "plan_id": plan.id,
        "owner_org_id": owner.id,
        "title": "开展模范机关创建宣传",
        "owner_people": "张三",
        "leader": "李副书记",
        "start_on": f"{plan.year}-01-01",
        "deadline": f"{plan.year}-12-31",
    }
    data.update(changes)
    return data


# --- plans ------------------------------------------------------------------------------------


def test_it_lists_the_plans_of_the_scope(master, users, tree, api, today):
    far = services.plan_create(
        actor=users.committee_admin,
        org=tree.far_unit,
        year=today.year,
        kind="master",
        title="民政局实施方案",
    )
    response = api(users.leader).get("/api/v1/plans")
    assert {p["title"] for p in response.json()["items"]} == {master.title, far.title}
    assert response.json()["count"] == 2
    assert api(users.unit_admin).get("/api/v1/plans").json()["items"] == []
    assert api(users.outsider).get("/api/v1/plans").json()["count"] == 0


def test_plans_come_in_pages(users, tree, api, today):
    for n in range(3):
        services.plan_create(
            actor=users.committee_admin,
            org=tree.committee,
            year=today.year - n,
            kind="master",
            title=f"{today.year - n}年实施方案",
        )
    client = api(users.committee_admin)
    second = client.get("/api/v1/plans?page=2&page_size=2").json()
    assert (second["count"], second["page"], second["page_size"]) == (3, 2, 2)
    assert [p["title"] for p in second["items"]] == [f"{today.year - 2}年实施方案"]
    assert_bad_request(client.get("/api/v1/plans?page_size=100000"))
    assert_bad_request(client.get("/api/v1/plans?page=0"))


def test_it_filters_plans_by_year(master, users, api):
    client = api(users.committee_admin)
    assert client.get(f"/api/v1/plans?year={master.year}").json()["count"] == 1
    assert client.get(f"/api/v1/plans?year={master.year - 1}").json()["items"] == []
    assert_bad_request(client.get("/api/v1/plans?year=今年"))


def test_it_creates_a_master_plan_and_a_sub_plan(users, tree, api, today):
    client = api(users.committee_admin)
    response = post(
        client,
        "/plans",
        {"org_id": tree.committee.id, "year": today.year, "kind": "master", "title": "实施方案"},
    )
    assert response.status_code == 201, response.content
    master = response.json()
    assert (master["kind"], master["master_id"]) == ("master", None)
    response = post(
        client,
        "/plans",
        {
            "org_id": tree.committee.id,
            "year": today.year,
            "kind": "sub",
            "master_id": master["id"],
            "title": "学习计划",
        },
    )
    assert response.status_code == 201
    assert response.json()["master_id"] == master["id"]
    assert len(audits("plan.create")) == 2


def test_it_refuses_a_second_master_plan_in_chinese(master, users, tree, api):
    response = post(
        api(users.committee_admin),
        "/plans",
        {"org_id": tree.committee.id, "year": master.year, "kind": "master", "title": "又一个"},
    )
    assert "已有实施方案" in assert_bad_request(response)
    assert Plan.objects.count() == 1


def test_it_refuses_a_sub_plan_under_another_years_master(master, users, tree, api):
    response = post(
        api(users.committee_admin),
        "/plans",
        {
            "org_id": tree.committee.id,
            "year": master.year + 1,
            "kind": "sub",
            "master_id": master.id,
            "title": "学习计划",
        },
    )
    assert "同年度" in assert_bad_request(response)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "plan"}, "kind"),
        ({"year": 1900}, "year"),
        ({"title": ""}, "title"),
        ({"org_id": None}, "org_id"),
        ({"org_id": 999999}, "org_id"),
    ],
)
def test_it_answers_bad_plan_input_with_400(changes, field, users, tree, api, today):
    data = {"org_id": tree.committee.id, "year": today.year, "kind": "master", "title": "方案"}
    data.update(changes)
    assert_bad_request(post(api(users.committee_admin), "/plans", data))
    assert not Plan.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "leader", "member"])
def test_it_forbids_plans_to_those_who_do_not_administer_the_org(who, users, tree, api, today):
    org = tree.committee if who == "leader" else tree.branch
    response = post(
        api(getattr(users, who)),
        "/plans",
        {"org_id": org.id, "year": today.year, "kind": "master", "title": "方案"},
    )
    assert response.status_code == 403
    assert CHINESE.search(response.json()["detail"])
    assert not Plan.objects.exists()


def test_it_answers_401_without_a_token(master, client):
    assert client.get("/api/v1/plans").status_code == 401
    assert client.get("/api/v1/tasks").status_code == 401
    assert post(client, "/plans", {}).status_code == 401
    response = client.get("/api/v1/plans", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


# --- task list --------------------------------------------------------------------------------


@pytest.fixture
def listed(assign, split, tree, users, today):
    day = timedelta(days=1)
    late = assign(tree.unit, "逾期的任务", start_on=today - 20 * day, deadline=today - day)
    soon = assign(tree.unit, "本周到期", deadline=today + 3 * day)
    done = assign(tree.far_unit, "已办完", deadline=today - 2 * day)
    services.task_report(actor=SYSTEM, task=done, text="完成", percent=100)
    services.task_accept(actor=users.committee_admin, task=fresh(done))
    branch = split(soon, tree.branch, "支部学习", deadline=today + 2 * day)
    return {"late": late, "soon": soon, "done": done, "branch": branch}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["已办完", "逾期的任务", "支部学习", "本周到期"]),
        ("status=overdue", ["逾期的任务"]),
        ("status=open", ["逾期的任务", "支部学习", "本周到期"]),
        ("status=done", ["已办完"]),
        ("owner={unit}", ["逾期的任务", "支部学习", "本周到期"]),
        ("owner={branch}", ["支部学习"]),
        ("due_after={today}", ["支部学习", "本周到期"]),
        ("due_before={today}", ["已办完", "逾期的任务"]),
        ("plan={plan}&owner={far}", ["已办完"]),
    ],
)
def test_it_filters_the_task_list(query, expected, listed, master, tree, users, api, today):
    query = query.format(
        unit=tree.unit.id,
        branch=tree.branch.id,
        far=tree.far_unit.id,
        plan=master.id,
        today=today.isoformat(),
    )
    assert titles(api(users.committee_admin).get(f"/api/v1/tasks?{query}")) == expected


def test_it_marks_overdue_tasks_and_never_stores_it(listed, users, api):
    items = api(users.committee_admin).get("/api/v1/tasks").json()["items"]
    overdue = {i["title"]: i["overdue"] for i in items}
    assert overdue == {"已办完": False, "逾期的任务": True, "支部学习": False, "本周到期": False}
    assert {i["status"] for i in items} == {"done", "not_started"}


def test_it_lists_only_the_tasks_of_the_scope(listed, users, api):
    assert titles(api(users.secretary).get("/api/v1/tasks")) == ["支部学习"]
    assert titles(api(users.outsider).get("/api/v1/tasks")) == []


def test_it_answers_404_for_a_filter_outside_the_scope(listed, master, tree, users, api):
    client = api(users.secretary)
    assert client.get(f"/api/v1/tasks?owner={tree.far_unit.id}").status_code == 404
    assert api(users.outsider).get(f"/api/v1/tasks?plan={master.id}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "status=late",
        "due_after=明天",
        "due_before=2025-02-30",
        "owner=abc",
        "page=0",
        "page_size=0",
    ],
)
def test_it_answers_bad_list_filters_with_400(query, listed, users, api):
    assert_bad_request(api(users.committee_admin).get(f"/api/v1/tasks?{query}"))


def test_it_pages_the_task_list(listed, users, api):
    response = api(users.committee_admin).get("/api/v1/tasks?page=2&page_size=3")
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (4, 2, 3)
    assert [i["title"] for i in body["items"]] == ["本周到期"]


def test_it_lists_many_tasks_in_the_same_number_of_queries(
    assign, tree, users, api, today, django_assert_max_num_queries
):
    client = api(users.unit_admin)
    assign(tree.unit, "第一项")
    client.get("/api/v1/tasks")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(titles(client.get("/api/v1/tasks"))) == 1
    for n in range(25):
        assign(tree.unit, f"任务{n}", deadline=today + timedelta(days=n))
    with django_assert_max_num_queries(len(few)):
        assert len(titles(client.get("/api/v1/tasks"))) == 26


# --- creating and splitting ---------------------------------------------------------------


def test_it_assigns_a_task(master, users, tree, api):
    item = services.plan_item_add(actor=users.committee_admin, plan=master, title="政治建设")
    response = post(
        api(users.committee_admin),
        "/tasks",
        new_task(master, tree.unit, item_id=item.id, weight="2.5", needs_evidence=True),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["assigner_id"], body["owner_org_id"], body["item_id"]) == (
        tree.committee.id,
        tree.unit.id,
        item.id,
    )
    assert (body["status"], body["overdue"], Decimal(body["weight"])) == (
        "not_started",
        False,
        Decimal("2.5"),
    )
    task = Task.objects.get()
    assert task.needs_evidence
    assert timeline(task) == [TaskEvent.Kind.CREATED]


def test_it_splits_a_task_when_given_a_parent(task, users, tree, api, master):
    response = post(
        api(users.unit_admin),
        "/tasks",
        new_task(
            master,
            tree.branch,
            parent_id=task.id,
            start_on=task.start_on.isoformat(),
            deadline=task.deadline.isoformat(),
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parent_id"], body["assigner_id"]) == (task.id, tree.unit.id)
    assert audits("task.split")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"deadline": "2000-12-31"}, "完成时限不能早于开始日期"),
        ({"weight": "0"}, "须大于 0"),
        ({"weight": "abc"}, "应为数字"),
        ({"title": ""}, "至少 1 个字"),
        ({"deadline": "年底"}, "日期格式应为 YYYY-MM-DD"),
        ({"owner_org_id": 999999}, "组织不存在"),
        ({"start_on": None}, "start_on"),
    ],
)
def test_it_answers_bad_task_input_with_400(changes, message, master, users, tree, api):
    response = post(api(users.committee_admin), "/tasks", new_task(master, tree.unit, **changes))
    assert message in assert_bad_request(response)
    assert not Task.objects.exists()


def test_it_refuses_an_owner_outside_the_plans_org(users, tree, api, today):
    plan = services.plan_create(
        actor=users.unit_admin, org=tree.unit, year=today.year, kind="master", title="机关方案"
    )
    response = post(api(users.committee_admin), "/tasks", new_task(plan, tree.far_branch))
    assert "责任单位须在" in assert_bad_request(response)


def test_it_refuses_a_sub_task_due_after_its_parent_or_to_the_same_unit(
    task, users, tree, api, master
):
    client = api(users.unit_admin)
    late = new_task(
        master,
        tree.branch,
        parent_id=task.id,
        deadline=(task.deadline + timedelta(days=1)).isoformat(),
    )
    assert "不能晚于上级任务" in assert_bad_request(post(client, "/tasks", late))
    same = new_task(master, tree.unit, parent_id=task.id, deadline=task.deadline.isoformat())
    assert "请分解给下级组织" in assert_bad_request(post(client, "/tasks", same))


@pytest.mark.parametrize("who", ["unit_admin", "leader"])
def test_it_forbids_assigning_to_those_who_do_not_administer_the_plans_org(
    who, task, master, users, tree, api
):
    response = post(api(getattr(users, who)), "/tasks", new_task(master, tree.branch))
    assert response.status_code == 403
    assert Task.objects.count() == 1


def test_it_forbids_a_secretary_to_split(task, split, users, tree, api, master):
    sub = split(task, tree.branch)
    response = post(
        api(users.secretary),
        "/tasks",
        new_task(master, tree.group, parent_id=sub.id, deadline=sub.deadline.isoformat()),
    )
    assert response.status_code == 403
    assert not Task.objects.filter(parent=sub).exists()


def test_it_answers_404_for_an_outsiders_parent_or_plan(task, users, tree, api, master):
    response = post(api(users.outsider), "/tasks", new_task(master, tree.other_branch))
    assert response.status_code == 404


# --- one task ---------------------------------------------------------------------------------


def test_it_shows_a_task_with_its_rolled_up_progress(task, split, tree, users, api):
    first = split(task, tree.branch, weight=Decimal(1))
    split(task, tree.other_branch, weight=Decimal(3))
    services.task_report(actor=users.secretary, task=first, text="完成", percent=100)
    body = api(users.leader).get(f"/api/v1/tasks/{task.id}").json()
    assert (body["progress"], body["status"], body["overdue"]) == (25, "in_progress", False)


def test_it_shows_an_overdue_task_as_overdue(assign, tree, users, api, today):
    late = assign(tree.unit, start_on=today - timedelta(days=9), deadline=today - timedelta(days=1))
    body = api(users.unit_admin).get(f"/api/v1/tasks/{late.id}").json()
    assert (body["status"], body["overdue"]) == ("not_started", True)


def test_it_hides_a_task_from_the_secretary_of_another_branch(task, split, tree, users, api):
    sub = split(task, tree.branch)
    services.task_report(actor=users.secretary, task=sub, text="完成", percent=100)
    client = api(users.outsider)
    assert client.get(f"/api/v1/tasks/{sub.id}").status_code == 404
    assert patch(client, f"/tasks/{sub.id}", {"title": "x"}).status_code == 404
    assert post(client, f"/tasks/{sub.id}/progress", {"text": "x", "percent": 1}).status_code == 404
    assert post(client, f"/tasks/{sub.id}/accept", {}).status_code == 404
    assert post(client, f"/tasks/{sub.id}/return", {"reason": "x"}).status_code == 404
    assert client.get("/api/v1/tasks/999999").status_code == 404
    assert fresh(sub).status == TaskStatus.SUBMITTED


def test_it_lets_the_assigner_patch_a_task(task, users, api):
    response = patch(
        api(users.committee_admin), f"/tasks/{task.id}", {"leader": "王书记", "weight": "3"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["leader"], fresh(task).weight) == ("王书记", Decimal(3))
    assert audits("task.update", task)[0].changes["leader"] == ["李副书记", "王书记"]


def test_it_answers_bad_patches_with_400(task, users, api):
    client = api(users.committee_admin)
    earlier = (task.start_on - timedelta(days=1)).isoformat()
    assert "完成时限不能早于开始日期" in assert_bad_request(
        patch(client, f"/tasks/{task.id}", {"deadline": earlier})
    )
    assert_bad_request(patch(client, f"/tasks/{task.id}", {"weight": -1}))
    assert_bad_request(patch(client, f"/tasks/{task.id}", {"title": "长" * 201}))
    assert fresh(task).deadline == task.deadline


@pytest.mark.parametrize("who", ["unit_admin", "leader"])
def test_it_forbids_patches_from_others_than_the_assigner(who, task, users, api):
    response = patch(api(getattr(users, who)), f"/tasks/{task.id}", {"title": "自己改"})
    assert response.status_code == 403
    assert fresh(task).title == task.title


# --- progress, accept, return -------------------------------------------------------------------


def test_it_lets_the_owner_branchs_secretary_report_progress(task, split, tree, users, api):
    sub = split(task, tree.branch)
    client = api(users.secretary)
    response = post(client, f"/tasks/{sub.id}/progress", {"text": "已部署", "percent": 40})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["progress"]) == ("in_progress", 40)
    response = post(client, f"/tasks/{sub.id}/progress", {"text": "已完成", "percent": 100})
    assert response.json()["status"] == "submitted"
    assert (fresh(task).progress, fresh(task).status) == (100, TaskStatus.IN_PROGRESS)


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"text": "回退", "percent": 10}, "进度不能低于上次报告的 40%"),
        ({"text": "超了", "percent": 150}, "0–100"),
        ({"text": "", "percent": 50}, "请填写进展情况"),
        ({"text": "x", "percent": "一半"}, "应为整数"),
        ({"percent": 50}, "必须填写"),
    ],
)
def test_it_answers_bad_progress_with_400(payload, message, task, users, api):
    services.task_report(actor=users.unit_admin, task=task, text="推进", percent=40)
    response = post(api(users.unit_admin), f"/tasks/{task.id}/progress", payload)
    assert message in assert_bad_request(response)
    assert fresh(task).progress == 40


def test_it_refuses_completion_without_the_evidence_the_task_needs(assign, tree, users, api):
    task = assign(tree.unit, needs_evidence=True)
    response = post(
        api(users.unit_admin), f"/tasks/{task.id}/progress", {"text": "完", "percent": 100}
    )
    assert "须上传佐证材料" in assert_bad_request(response)
    assert fresh(task).status == TaskStatus.NOT_STARTED


def test_it_refuses_progress_on_a_split_task(task, split, tree, users, api):
    split(task, tree.branch)
    response = post(
        api(users.unit_admin), f"/tasks/{task.id}/progress", {"text": "x", "percent": 5}
    )
    assert "进度由分解任务汇总" in assert_bad_request(response)


@pytest.mark.parametrize("who", ["leader", "member"])
def test_it_forbids_progress_from_read_only_users(who, task, split, tree, users, api):
    sub = split(task, tree.branch)
    response = post(
        api(getattr(users, who)), f"/tasks/{sub.id}/progress", {"text": "x", "percent": 5}
    )
    assert response.status_code == 403
    assert fresh(sub).progress == 0


def test_it_lets_the_assigner_accept(task, users, api, today):
    services.task_report(actor=users.unit_admin, task=task, text="完成", percent=100)
    response = post(api(users.committee_admin), f"/tasks/{task.id}/accept", {"reason": "材料齐全"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["finished_on"]) == ("done", today.isoformat())
    assert task.events.last().text == "材料齐全"


def test_it_refuses_to_accept_a_task_not_submitted(task, users, api):
    response = post(api(users.committee_admin), f"/tasks/{task.id}/accept", {})
    assert "只有报请验收的任务可以验收" in assert_bad_request(response)


def test_it_forbids_the_owners_secretary_to_accept_or_return(task, split, tree, users, api):
    sub = split(task, tree.branch)
    services.task_report(actor=users.secretary, task=sub, text="完成", percent=100)
    client = api(users.secretary)
    assert post(client, f"/tasks/{sub.id}/accept", {}).status_code == 403
    assert post(client, f"/tasks/{sub.id}/return", {"reason": "自退"}).status_code == 403
    assert post(api(users.leader), f"/tasks/{sub.id}/accept", {}).status_code == 403
    assert fresh(sub).status == TaskStatus.SUBMITTED


def test_it_returns_only_with_a_reason(task, users, api):
    services.task_report(actor=users.unit_admin, task=task, text="完成", percent=100)
    client = api(users.committee_admin)
    assert "请填写退回原因" in assert_bad_request(post(client, f"/tasks/{task.id}/return", {}))
    assert fresh(task).status == TaskStatus.SUBMITTED
    response = post(client, f"/tasks/{task.id}/return", {"reason": "缺少会议记录"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["progress"]) == ("in_progress", 90)
    assert audits("task.return", task)[0].detail == "缺少会议记录"


@pytest.mark.parametrize("body", ["", "not json", "[1, 2]", '{"reason": "\\u0000"}'])
def test_it_answers_a_body_it_cannot_read_with_400(body, task, users, api):
    services.task_report(actor=users.unit_admin, task=task, text="完成", percent=100)
    response = api(users.committee_admin).post(
        f"/api/v1/tasks/{task.id}/return", data=body, content_type="application/json"
    )
    assert_bad_request(response)
    assert fresh(task).status == TaskStatus.SUBMITTED
