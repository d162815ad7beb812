"""The 工作台's newer to-dos (tasks returned, 督办 by status, dues arrears) link to a list that
shows exactly the records they count. Today is pinned to 2026-05-20.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch. The outsider is the secretary of other_branch."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mofan.core.access import SYSTEM
from mofan.members.dues import dues_record_payment
from mofan.plans import services, supervision
from mofan.plans.models import Instruction, Plan
from mofan.site.workbench import workbench_for

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def todo(bench, label):
    return next(t for t in bench.todos if t.label == label)


def shown(page: str, names) -> set[str]:
    return {name for name in names if name in page}


@pytest.fixture
def returned(tree):
    plan = services.plan_create(
        actor=SYSTEM, org=tree.committee, year=2026, kind=Plan.Kind.MASTER, title="方案"
    )

    def task(owner, title, *, back=False, submitted=False):
        made = services.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=owner,
            title=title,
            start_on=date(2026, 1, 1),
            deadline=date(2026, 9, 30),
        )
        services.task_report(actor=SYSTEM, task=made, text="进展", percent=40)
        if back or submitted:
            services.task_report(actor=SYSTEM, task=made, text="完成", percent=100)
        if back:
            services.task_return(actor=SYSTEM, task=made, reason="佐证不足")
        return made

    task(tree.branch, "退回甲", back=True)
    again = task(tree.branch, "退回后再报乙", back=True)
    services.task_report(actor=SYSTEM, task=again, text="补充佐证", percent=100)
    task(tree.branch, "进行中丙")
    task(tree.branch, "待验收丁", submitted=True)
    task(tree.other_branch, "外支部退回", back=True)
    return ["退回甲", "退回后再报乙", "进行中丙", "待验收丁", "外支部退回"]


def test_returned_tasks_count_and_link_to_exactly_them(tree, users, returned, login):
    item = todo(workbench_for(actor=users.secretary, today=TODAY), "被退回待重新报请验收")
    assert item.count == 1 and item.url == "/plans/tasks/?status=returned"
    page = login(users.secretary).get(item.url).content.decode()
    assert shown(page, returned) == {"退回甲"}
    admin = todo(workbench_for(actor=users.committee_admin, today=TODAY), item.label)
    assert admin.count == 2
    page = login(users.committee_admin).get(admin.url).content.decode()
    assert shown(page, returned) == {"退回甲", "外支部退回"}


@pytest.fixture
def assignments(tree):
    """Two items: 甲 to the branch (due 5-10, overdue) and to other_branch (due 6-30, answered);
    乙 to the branch (due 6-30, pending) and to far_branch (due 5-1, overdue)."""
    first = supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        source=Instruction.Source.values[0],
        title="督办甲",
        content="内容",
        received_on=date(2026, 4, 1),
        level=Instruction.Level.values[0],
        assignments=[(tree.branch, date(2026, 5, 10)), (tree.other_branch, date(2026, 6, 30))],
    )
    supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        source=Instruction.Source.values[0],
        title="督办乙",
        content="内容",
        received_on=date(2026, 4, 2),
        level=Instruction.Level.values[0],
        assignments=[(tree.branch, date(2026, 6, 30)), (tree.far_branch, date(2026, 5, 1))],
    )
    answered = first.assignments.get(org=tree.other_branch)
    supervision.assignment_answer(actor=SYSTEM, assignment=answered, text="已办", on=TODAY)


def register_units(page: str, tree) -> list[str]:
    """The 承办单位 the register lists, one per assignment row shown."""
    names = [tree.branch.name, tree.other_branch.name, tree.far_branch.name]
    return [name for name in re.findall("|".join(map(re.escape, names)), page)]


def register_items(page: str) -> set[str]:
    """The 督办事项 the register lists (each item once, whatever its number of units)."""
    return set(re.findall("督办[甲乙]", page.split("<tbody", 1)[-1]))


@pytest.mark.parametrize(
    "label, items, units",
    [
        ("督办事项待反馈", {"督办甲", "督办乙"}, 3),
        ("督办事项逾期未反馈", {"督办甲", "督办乙"}, 2),
        ("督办事项已反馈待办结", {"督办甲"}, 1),
    ],
)
def test_supervision_todos_count_the_items_the_filtered_register_lists(
    tree, users, assignments, login, label, items, units
):
    item = todo(workbench_for(actor=users.committee_admin, today=TODAY), label)
    assert item.count == len(items)
    page = login(users.committee_admin).get(item.url).content.decode()
    assert "?status=" in item.url
    assert register_items(page) == items
    assert len(register_units(page.split("<tbody", 1)[-1], tree)) == units


def test_dues_arrears_count_from_the_record_and_link_to_exactly_those_members(
    tree, users, make_member, login
):
    base = {"dues_base": Decimal("6000")}  # 90.00 a month
    owing = make_member(tree.branch, name="欠缴甲", **base)
    paid_up = make_member(tree.branch, name="按月乙", **base)
    make_member(tree.branch, name="新录丙", entered_on=TODAY, **base)
    far = make_member(tree.far_branch, name="远支部丁", **base)
    for member in (owing, paid_up, far):
        months = (1, 2, 3, 4) if member is paid_up else (1,)
        for month in months:
            dues_record_payment(
                actor=SYSTEM,
                member=member,
                month=date(2026, month, 1),
                paid=Decimal("90.00"),
                paid_on=date(2026, month, 5),
                method="cash",
            )
    names = ["欠缴甲", "按月乙", "新录丙", "远支部丁"]
    item = todo(workbench_for(actor=users.secretary, today=TODAY), "本年度欠缴党费的党员")
    assert item.count == 1  # 新录丙 was entered today: nothing owed before
    page = login(users.secretary).get(item.url).content.decode()
    assert shown(page, names) == {"欠缴甲"}
    admin = todo(workbench_for(actor=users.committee_admin, today=TODAY), item.label)
    assert admin.count == 2
    page = login(users.committee_admin).get(admin.url).content.decode()
    assert shown(page, names) == {"欠缴甲", "远支部丁"}


def test_each_age_and_education_bar_links_to_a_list_of_exactly_its_members(
    tree, users, make_member, login
):
    from mofan.members.models import Education

    people = {
        "少年甲": (date(1998, 3, 1), Education.BACHELOR, date(2020, 7, 1)),
        "三十乙": (date(1995, 5, 21), Education.BACHELOR, date(2020, 7, 1)),  # 30 today
        "三十一丙": (date(1995, 5, 20), Education.POSTGRADUATE, date(2020, 7, 1)),  # 31 today
        "花甲丁": (date(1960, 1, 1), Education.COLLEGE, date(1990, 7, 1)),
        "六十一戊": (date(1964, 1, 1), Education.COLLEGE, date(1990, 7, 1)),  # 62
    }
    for name, (born, education, joined) in people.items():
        make_member(
            tree.branch,
            name=name,
            birth_date=born,
            education=education,
            joined_on=joined,
            full_member_on=date(joined.year + 1, joined.month, joined.day),
        )
    client = login(users.secretary)
    bench = workbench_for(actor=users.secretary, today=TODAY)
    for chart in ("chart-members-age", "chart-members-education"):
        for bar in bench.charts[chart]["series"][0]["data"]:
            page = client.get(bar["url"]).content.decode()
            assert len(shown(page, people)) == bar["value"], (chart, bar["name"])
    ages = {b["name"]: b["value"] for b in bench.charts["chart-members-age"]["series"][0]["data"]}
    assert ages == {"30岁及以下": 2, "31至40岁": 1, "41至50岁": 0, "51至60岁": 0, "60岁以上": 2}
