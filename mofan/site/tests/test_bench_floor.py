"""`mofan bench --floor`: every floor returns the rows its operation shows (same number, and
for the list pages the same records in the same order), and the command prints the floor's
time and the ratio next to each operation. Small sizes, the bench's own builders."""

import os
import subprocess
import sys
from io import StringIO
from types import SimpleNamespace

import pytest

from mofan.settings import BASE_DIR
from mofan.site.bench import meetings, members, orgs, plans
from mofan.site.bench.measure import rendered_contexts, shown_rows
from mofan.site.bench.tree import build_tree
from mofan.site.management.commands.bench import Command

MEMBERS, TASKS = 300, 400
# The reads issue 8 names, and the other list pages and scans: each has its floor.
FLOORED = [
    "单位组织树 /orgs/?root=单位",
    "工委组织树 /orgs/",
    "展开下级 /orgs/单位/children/",
    "组织列表接口 /api/v1/orgs?page=1",
    "单位党员列表第 1 页 /members/?org=单位",
    "全部党员第 50 页 /members/?org=工委&page=50",
    f"姓名搜索 /members/?q={members.SEARCH}",
    "党员列表接口 /api/v1/members?page=1",
    "单位任务台账 /plans/tasks/?owner=单位",
    "工委任务清单第 1 页 /plans/tasks/",
    "全树逾期扫描 overdue_tasks(task_list(工委))",
    "到期提醒 reminders.due_tasks(今天)",
    "全树全年完成情况接口 /api/v1/compliance?org=工委",
    "支部月历 /meetings/calendar/?org=支部",
    "单位完成情况矩阵 /meetings/compliance/?org=单位",
    "工委完成情况矩阵第 1 页 /meetings/compliance/",
]


@pytest.fixture
def bench(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    tree = build_tree(120, prefix="FLOOR")
    members.build_members(tree, MEMBERS)
    plans.build_tasks(tree, TASKS)
    built = meetings.build_meetings_tree(12, prefix="FMEET")
    return SimpleNamespace(tree=tree, meetings=built)


def operations(bench):
    return {
        op.name: op
        for op in [
            *orgs.operations(bench.tree),
            *members.operations(bench.tree, MEMBERS),
            *plans.operations(bench.tree, TASKS),
            *meetings.operations(bench.meetings),
        ]
    }


def test_it_gives_the_main_reads_a_floor(bench):
    found = operations(bench)
    assert set(FLOORED) <= set(found)
    assert [name for name in FLOORED if found[name].floor is None] == []
    assert all(op.shown is not None for op in found.values() if op.floor is not None)


def test_each_floor_returns_the_rows_its_operation_shows(bench):
    checked = {}
    for name, op in operations(bench).items():
        if op.floor is not None:
            checked[name] = (shown_rows(op), len(op.floor()))
    assert {name: shown for name, (shown, _) in checked.items()} == {
        name: floor for name, (_, floor) in checked.items()
    }
    assert all(shown for shown, _ in checked.values())  # none of them is trivially empty


@pytest.mark.parametrize(
    "name",
    [
        "单位党员列表第 1 页 /members/?org=单位",
        "全部党员第 50 页 /members/?org=工委&page=50",
        f"姓名搜索 /members/?q={members.SEARCH}",
        "单位任务台账 /plans/tasks/?owner=单位",
        "工委任务清单第 1 页 /plans/tasks/",
    ],
)
def test_a_list_floor_returns_the_pages_records_in_its_order(bench, name):
    op = operations(bench)[name]
    with rendered_contexts():
        response = op.call()
    assert [row[0] for row in op.floor()] == [r.id for r in response.context["page"].object_list]


def test_the_api_floors_return_the_apis_records_in_its_order(bench):
    found = operations(bench)
    for name in ["党员列表接口 /api/v1/members?page=1", "组织列表接口 /api/v1/orgs?page=1"]:
        items = found[name].call().json()["items"]
        assert [row[0] for row in found[name].floor()] == [item["id"] for item in items]
    compliance = found["全树全年完成情况接口 /api/v1/compliance?org=工委"]
    answer = [
        (r["org_id"], r["kind"], r["required"], r["held"], r["status"])
        for r in compliance.call().json()
    ]
    floor = [(row[0], row[2], row[4], row[5], row[6]) for row in compliance.floor()]
    assert floor == answer


def test_the_overdue_floor_returns_the_scans_tasks(bench):
    op = operations(bench)["全树逾期扫描 overdue_tasks(task_list(工委))"]
    assert sorted(row[0] for row in op.floor()) == sorted(t["id"] for t in op.call())
    reminders = operations(bench)["到期提醒 reminders.due_tasks(今天)"]
    assert sorted((row[0], row[1]) for row in reminders.floor()) == sorted(
        (r.user_id, int(r.key.split("-")[1])) for r in reminders.call()
    )


def test_it_prints_the_floor_and_the_ratio_next_to_each_operation(bench):
    command = Command(stdout=StringIO())
    command.floor = True
    results = command.section("plans", plans.operations(bench.tree, TASKS), runs=1)
    output = command.stdout.getvalue()

    header = next(line for line in output.splitlines() if line.startswith("操作"))
    assert "底线 ms" in header and "倍数" in header and "行数" in header
    floored = [r for r in results if r.floor_ms]
    assert len(floored) == 4
    for result in floored:
        assert result.ratio == pytest.approx(result.median / result.floor_median)
        line = next(line for line in output.splitlines() if line.startswith(result.name))
        assert f"{result.ratio:.1f}×" in line
        assert f"{result.rows}/{result.floor_rows}" in line
    assert "不一致" not in output


def test_mofan_bench_floor_runs_end_to_end(tmp_path):
    """The command itself on a tiny scratch database (SQLite, in a temporary directory)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(MOFAN_DATA_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mofan.cli", "bench", "--only", "orgs,plans", "--floor"]
        + ["--orgs", "60", "--tasks", "120", "--runs", "1"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = completed.stdout.splitlines()
    assert sum("倍数" in line for line in lines) == 2  # one table per section
    tree_line = next(line for line in lines if line.startswith("单位组织树"))
    assert "×" in tree_line
    assert "不一致" not in completed.stdout
