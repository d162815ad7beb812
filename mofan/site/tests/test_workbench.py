"""The 工作台: to-do counts against hand-made records, their links to the list pages of exactly
those records, chart data from the facts, the leader's charts without to-dos, outsiders' records
left out, and a query count that does not grow with the tree. Today is pinned to 2026-05-20.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch. The outsider is the secretary of other_branch."""

import json
import re
from datetime import date

import pytest
import time_machine

from mofan.core.access import SYSTEM
from mofan.members.models import Category, Education
from mofan.orgs.models import OrgType
from mofan.plans import services
from mofan.plans.models import Plan
from mofan.site.tests.factories import make_org
from mofan.site.workbench import workbench_for

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(tree):
    return services.plan_create(
        actor=SYSTEM, org=tree.committee, year=2026, kind=Plan.Kind.MASTER, title="2026年实施方案"
    )


@pytest.fixture
def task(plan):
    def _task(owner, deadline, title, *, percent=None, accepted=False):
        made = services.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=owner,
            title=title,
            start_on=date(2026, 1, 1),
            deadline=deadline,
        )
        if percent is not None:
            services.task_report(actor=SYSTEM, task=made, text="进展", percent=percent)
        if accepted:
            services.task_accept(actor=SYSTEM, task=made)
        return made

    return _task


@pytest.fixture
def tasks(tree, task):
    """The branch: one overdue not started, one not started, one in progress, one submitted,
    one done; other_branch: one overdue and one submitted; far_branch: one overdue."""
    return {
        "逾期甲": task(tree.branch, date(2026, 4, 30), "逾期甲"),
        "未开始乙": task(tree.branch, date(2026, 9, 30), "未开始乙"),
        "进行中丙": task(tree.branch, date(2026, 9, 30), "进行中丙", percent=40),
        "待验收丁": task(tree.branch, date(2026, 9, 30), "待验收丁", percent=100),
        "已完成戊": task(tree.branch, date(2026, 3, 31), "已完成戊", percent=100, accepted=True),
        "外支部逾期": task(tree.other_branch, date(2026, 4, 1), "外支部逾期"),
        "外支部待验收": task(tree.other_branch, date(2026, 9, 30), "外支部待验收", percent=100),
        "远支部逾期": task(tree.far_branch, date(2026, 4, 1), "远支部逾期"),
    }


def todo_counts(bench) -> dict[str, int]:
    return {t.label: t.count for t in bench.todos}


def todo(bench, label):
    return next(t for t in bench.todos if t.label == label)


def listed_titles(page: str, titles) -> set[str]:
    return {t for t in titles if f">{t}</a>" in page}


def chart_data(page: str, data_id: str) -> dict:
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no json_script {data_id}"
    return json.loads(found.group(1))


def test_a_secretary_counts_the_tasks_of_the_branch_only(tree, users, tasks):
    counts = todo_counts(workbench_for(actor=users.secretary, today=TODAY))
    assert counts["逾期任务"] == 1
    assert counts["未开始的任务"] == 2  # the overdue one has not started either
    assert counts["进行中待报告进展"] == 1
    assert counts["待验收的任务"] == 1
    assert counts["督办事项待反馈"] == 0


def test_a_committee_admin_counts_the_whole_tree(tree, users, tasks):
    counts = todo_counts(workbench_for(actor=users.committee_admin, today=TODAY))
    assert counts["逾期任务"] == 3
    assert counts["未开始的任务"] == 4
    assert counts["待验收的任务"] == 2


@pytest.mark.parametrize(
    "label, expected",
    [
        ("逾期任务", {"逾期甲"}),
        ("未开始的任务", {"逾期甲", "未开始乙"}),
        ("进行中待报告进展", {"进行中丙"}),
        ("待验收的任务", {"待验收丁"}),
    ],
)
def test_each_task_todo_links_to_a_list_of_exactly_its_tasks(
    tree, users, tasks, login, label, expected
):
    item = todo(workbench_for(actor=users.secretary, today=TODAY), label)
    page = login(users.secretary).get(item.url).content.decode()
    assert listed_titles(page, tasks) == expected
    assert item.count == len(expected)


def test_the_home_page_shows_the_todos_as_stat_cards_with_their_links(tree, users, tasks, login):
    page = login(users.secretary).get("/").content.decode()
    assert "我的待办" in page
    assert 'href="/plans/tasks/?status=overdue"' in page
    assert 'data-chart="chart-tasks-data"' in page
    assert "core/charts.js" in page


def test_the_task_chart_counts_each_unit_and_its_bars_link_to_those_tasks(
    tree, users, tasks, login
):
    client = login(users.committee_admin)
    data = chart_data(client.get("/").content.decode(), "chart-tasks-data")
    series = {s["name"]: {d["name"]: d for d in s["data"]} for s in data["series"]}
    assert [name for name in series["下达"]] == [tree.unit.name, tree.far_unit.name]
    assert series["下达"][tree.unit.name]["value"] == 7
    assert series["已完成"][tree.unit.name]["value"] == 1
    assert series["逾期"][tree.unit.name]["value"] == 2
    assert series["逾期"][tree.far_unit.name]["value"] == 1
    page = client.get(series["逾期"][tree.unit.name]["url"]).content.decode()
    assert listed_titles(page, tasks) == {"逾期甲", "外支部逾期"}
    page = client.get(series["已完成"][tree.unit.name]["url"]).content.decode()
    assert listed_titles(page, tasks) == {"已完成戊"}


def test_member_structure_counts_category_age_and_education(tree, users, make_member, login):
    make_member(tree.branch, birth_date=date(1991, 1, 1), education=Education.BACHELOR)
    make_member(
        tree.branch,
        birth_date=date(1980, 1, 1),
        category=Category.PROBATIONARY,
        joined_on=date(2025, 12, 1),
        full_member_on=None,
        education=Education.BACHELOR,
    )
    make_member(tree.other_branch, birth_date=date(1960, 1, 1), education=Education.POSTGRADUATE)
    client = login(users.secretary)
    page = client.get("/").content.decode()

    def slices(chart):
        [series] = chart_data(page, f"chart-members-{chart}-data")["series"]
        return {d["name"]: d["value"] for d in series["data"]}, [d["url"] for d in series["data"]]

    assert slices("category")[0] == {"正式党员": 1, "预备党员": 1}
    ages, age_urls = slices("age")
    # Born 1991-01-01 and 1980-01-01: 35 and 46 on 2026-05-20.
    assert ages == {"30岁及以下": 0, "31至40岁": 1, "41至50岁": 1, "51至60岁": 0, "60岁以上": 0}
    assert age_urls[0] == "/members/?age_max=30"
    assert age_urls[1] == "/members/?age_min=31&age_max=40"
    assert age_urls[-1] == "/members/?age_min=61"
    assert slices("education")[0] == {Education.BACHELOR.label: 2}  # not the outsider's
    assert slices("category")[1][1] == "/members/?category=probationary"


def test_the_leader_sees_the_charts_of_the_whole_tree_and_no_todos(tree, users, tasks, login):
    bench = workbench_for(actor=users.leader, today=TODAY)
    assert bench.todos == [] and bench.owed == []
    assert set(bench.charts) == {
        "chart-life",
        "chart-tasks",
        "chart-members-category",
        "chart-members-age",
        "chart-members-education",
        "chart-dues",
    }
    page = login(users.leader).get("/").content.decode()
    assert "我的待办" not in page
    data = chart_data(page, "chart-tasks-data")
    overdue = next(s for s in data["series"] if s["name"] == "逾期")["data"]
    assert sum(d["value"] for d in overdue) == 3


def test_an_outsider_never_sees_the_branch_in_todos_or_charts(tree, users, tasks, login):
    bench = workbench_for(actor=users.outsider, today=TODAY)
    assert todo_counts(bench)["逾期任务"] == 1  # its own 外支部逾期 only
    text = json.dumps(bench.charts, ensure_ascii=False)
    assert tree.branch.name not in text and tree.far_unit.name not in text
    page = login(users.outsider).get(todo(bench, "逾期任务").url).content.decode()
    assert listed_titles(page, tasks) == {"外支部逾期"}


def test_an_admin_sees_meetings_owed_per_unit_not_per_branch(tree, users):
    bench = workbench_for(actor=users.committee_admin, today=TODAY)
    names = [org.name for org, _, _ in bench.owed]
    assert tree.branch.name not in names and tree.group.name not in names
    assert tree.unit.name in names
    unit_line = next(line for line in bench.owed if line[0] == tree.unit)
    assert unit_line[2] == f"/meetings/compliance/?org={tree.unit.id}&year=2026"


def test_a_plain_member_still_lands_on_the_mine_page(users, login):
    response = login(users.member).get("/")
    assert response.status_code == 302 and response.url.endswith("/mine/")


def grow(tree, branches: int):
    for n in range(branches):
        unit = make_org(tree.committee, OrgType.ORGAN_COMMITTEE, f"加测单位{n}")
        make_org(unit, OrgType.BRANCH, f"加测支部{n}")


@pytest.mark.parametrize("user", ["committee_admin", "secretary", "leader"])
def test_the_workbench_runs_a_fixed_number_of_queries(
    tree, users, tasks, django_assert_max_num_queries, user
):
    actor = getattr(users, user)
    workbench_for(actor=actor, today=TODAY)  # warm the scope cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        workbench_for(actor=actor, today=TODAY)
    grow(tree, 6)
    with django_assert_max_num_queries(len(small)):
        workbench_for(actor=actor, today=TODAY)


def test_transfers_waiting_and_terms_expiring_count_and_link_to_their_lists(
    tree, users, make_member, login
):
    from mofan.members.lifecycle import transfer_send
    from mofan.orgs.models import Org

    moving = make_member(tree.far_branch, name="转入者")
    transfer_send(actor=SYSTEM, member=moving, to_org=tree.branch, letter_number="转001", on=TODAY)
    Org.objects.filter(pk=tree.branch.pk).update(
        term_start=date(2023, 6, 1), term_end=date(2026, 6, 30)
    )
    Org.objects.filter(pk=tree.other_branch.pk).update(
        term_start=date(2023, 6, 1), term_end=date(2026, 6, 30)
    )
    bench = workbench_for(actor=users.secretary, today=TODAY)
    counts = todo_counts(bench)
    assert counts["待处理的组织关系转接"] == 1
    assert counts["任期将满或已满的组织"] == 1  # its own branch, not other_branch
    client = login(users.secretary)
    assert "转入者" in client.get(todo(bench, "待处理的组织关系转接").url).content.decode()
    terms = client.get(todo(bench, "任期将满或已满的组织").url).content.decode()
    assert tree.branch.name in terms and tree.other_branch.name not in terms
    outsider = todo_counts(workbench_for(actor=users.outsider, today=TODAY))
    assert outsider["待处理的组织关系转接"] == 0
    assert outsider["任期将满或已满的组织"] == 1


def test_the_dues_chart_has_one_point_per_month_so_far(users):
    data = workbench_for(actor=users.committee_admin, today=TODAY).charts["chart-dues"]
    points = data["series"][0]["data"]
    assert [p["name"] for p in points] == ["1月", "2月", "3月", "4月", "5月"]
    assert all(p["value"] == 0 and p["url"] == "/members/dues/summary/" for p in points)


def test_development_steps_overdue_count_and_link_to_the_ledger(tree, users, login):
    from mofan.members.development import candidate_apply
    from mofan.members.tests.conftest import new_id_number

    def apply(org, name, on):
        born = date(1995, 3, 8)
        candidate_apply(
            actor=SYSTEM,
            org=org,
            name=name,
            id_number=new_id_number(born, "female"),
            applied_on=on,
            sex="female",
            birth_date=born,
        )

    apply(tree.branch, "郑逾期", date(2026, 2, 1))  # the talk was due within a month
    apply(tree.branch, "吴新人", date(2026, 5, 15))
    apply(tree.other_branch, "李另支", date(2026, 2, 1))
    bench = workbench_for(actor=users.secretary, today=TODAY)
    item = todo(bench, "发展党员逾期未办的步骤")
    assert item.count == 1
    page = login(users.secretary).get(item.url).content.decode()
    assert "郑逾期" in page and "吴新人" not in page and "李另支" not in page
    assert todo_counts(workbench_for(actor=users.committee_admin, today=TODAY))[item.label] == 2
