"""A task down the tree and its progress back up: the committee assigns a task to a unit, the
unit splits it to a branch, the branch reports completion (refused without evidence, then with
a PDF), the unit accepts the sub-task, and the committee sees 100% on the task, accepts it, and
sees the plan's progress at 100%."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.access import SYSTEM
from mofan.core.tests.org_select import choose_org
from mofan.plans import services
from mofan.plans.models import Plan, Task
from mofan.site.tests.factories import PDF

pytestmark = pytest.mark.browser

TASK = "开展理论学习中心组专题学习"
SUBTASK = "第一党支部开展专题学习"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def status(page):
    return page.locator("#task-status")


def flash(page, kind="success"):
    return page.locator(f".flash.{kind}")


def test_a_task_goes_down_the_tree_and_its_progress_comes_back_up(new_page, tree, users, log_in):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=SYSTEM,
        org=tree.committee,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title=f"{today.year}年创建模范机关实施方案",
    )
    item = services.plan_item_add(actor=SYSTEM, plan=plan, number="一", title="强化理论武装")

    # The committee assigns the task to the unit.
    committee = log_in(new_page(), users.committee_admin)
    committee.goto(f"/plans/{plan.id}/")
    expect(committee.locator("#plan-progress")).to_have_text("0%")
    committee.get_by_role("link", name="下达任务").click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(f"{plan.title} · 下达任务")
    committee.get_by_label("方案事项").select_option(str(item.id))
    choose_org(committee, "责任单位", "市发改委机关党委")
    committee.get_by_label("任务", exact=True).fill(TASK)
    committee.get_by_label("完成时限").fill((today + timedelta(days=30)).isoformat())
    committee.get_by_label("完成须上传佐证材料").check()
    committee.get_by_role("button", name="保存").click()
    expect(flash(committee)).to_have_text(f"已下达任务“{TASK}”")
    expect(committee.locator("main table").last).to_contain_text("市发改委机关党委")
    task = Task.objects.get()
    assert (task.owner_org, task.item, task.needs_evidence) == (tree.unit, item, True)

    # The unit finds it in its ledger and splits it to a branch.
    unit = log_in(new_page(), users.unit_admin)
    unit.goto("/plans/tasks/")
    unit.get_by_role("link", name=TASK).click()
    expect(unit.get_by_role("heading", level=1)).to_contain_text(TASK)
    unit.get_by_role("link", name="分解给下级").click()
    expect(unit.get_by_role("heading", level=1)).to_have_text(f"分解任务：{TASK}")
    unit.wait_for_load_state("load")  # the deferred scripts have set up the form
    choose_org(unit, "责任单位", "发改委第一党支部")
    title = unit.get_by_label("任务", exact=True)
    title.fill(SUBTASK)
    expect(title).to_have_value(SUBTASK)
    unit.get_by_label("完成须上传佐证材料").check()
    unit.get_by_role("button", name="保存").click()
    expect(flash(unit)).to_have_text("已分解给发改委第一党支部")
    expect(unit.locator("main")).to_contain_text(SUBTASK)
    subtask = Task.objects.get(parent=task)

    # The branch reports completion: refused without evidence, accepted with a PDF.
    branch = log_in(new_page(), users.secretary)
    branch.goto("/plans/tasks/")
    branch.get_by_role("link", name=SUBTASK).click()
    expect(status(branch)).to_have_text("未开始")
    branch.get_by_label("进展情况").fill("已完成专题学习，形成学习记录")
    branch.get_by_label("进度（%），100 即报请验收").fill("100")
    branch.get_by_role("button", name="提交").click()
    expect(flash(branch, "error")).to_have_text("该任务完成时须上传佐证材料")
    expect(status(branch)).to_have_text("未开始")

    branch.get_by_label("进展情况").fill("已完成专题学习，形成学习记录")
    branch.get_by_label("进度（%），100 即报请验收").fill("100")
    branch.get_by_label("佐证材料（可多选）").set_input_files(
        {"name": "学习记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    branch.get_by_role("button", name="提交").click()
    expect(flash(branch)).to_have_text("已报请验收")
    expect(status(branch)).to_have_text("待验收")
    expect(branch.locator("#timeline")).to_contain_text("学习记录.pdf")

    # The unit accepts the sub-task.
    unit.goto(f"/plans/tasks/{subtask.id}/")
    expect(status(unit)).to_have_text("待验收")
    unit.get_by_role("button", name="验收通过").click()
    confirm = unit.get_by_role("dialog")
    expect(confirm).to_contain_text(f"确定验收通过任务“{SUBTASK}”？")
    confirm.get_by_role("button", name="确定").click()
    expect(flash(unit)).to_have_text("已验收")
    expect(status(unit)).to_have_text("已完成")

    # The committee sees the roll-up on the task, accepts it, and sees it in the plan.
    committee.goto(f"/plans/tasks/{task.id}/")
    expect(committee.locator("#task-progress")).to_have_text(
        re.compile(r"^100(\.0)?%（由分解任务加权汇总）$")
    )
    expect(committee.locator("main")).to_contain_text(SUBTASK)
    expect(status(committee)).to_have_text("待验收")
    committee.get_by_role("button", name="验收通过").click()
    confirm = committee.get_by_role("dialog")
    expect(confirm).to_contain_text(f"确定验收通过任务“{TASK}”？")
    confirm.get_by_role("button", name="确定").click()
    expect(flash(committee)).to_have_text("已验收")
    expect(status(committee)).to_have_text("已完成")
    committee.get_by_role("link", name=plan.title).click()
    expect(committee.locator("#plan-progress")).to_have_text(re.compile(r"^100(\.0)?%$"))
    row = committee.locator("main table tbody tr").filter(has_text=TASK)
    expect(row).to_contain_text(re.compile(r"100(\.0)?%"))
