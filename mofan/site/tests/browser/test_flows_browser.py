"""Flows across modules as the users see them in a browser (issue 10 §5): a task assigned to a
branch reaches its secretary in 消息 at once, comes back for acceptance and is accepted with a
验收意见; the member list and the attendance of a meeting on a 375 px phone; the to-do cards of
the workbench of a secretary and of the committee admin list exactly the records they count."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from mofan.core.access import SYSTEM
from mofan.plans import services, supervision
from mofan.plans.models import Assignment, Instruction, Plan
from mofan.site.tests.browser.conftest import PHONE
from mofan.site.tests.browser.flows import (
    choose,
    confirm,
    expect_flash,
    expect_no_sideways_scroll,
    field,
)

pytestmark = pytest.mark.browser

TASK = "组织开展党纪学习教育专题党课"
# A page load may wait this long: these flows run beside the whole suite on 2 shared cores,
# where the live server's first answers have been seen to take over 10 s.
NAVIGATION_MS = 30_000


@pytest.fixture
def new_page(new_page):
    def _new_page(**options):
        page = new_page(**options)
        page.context.set_default_navigation_timeout(NAVIGATION_MS)
        return page

    return _new_page


@pytest.fixture
def plan(tree):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=SYSTEM,
        org=tree.committee,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title=f"{today.year}年创建模范机关实施方案",
    )
    services.plan_item_add(actor=SYSTEM, plan=plan, number="二", title="严明政治纪律")
    return plan


def open_inbox(page):
    page.get_by_role("link", name=re.compile(r"^消息")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("消息提醒")
    return page


def message(page, title):
    return page.locator("main .card").filter(has_text=title)


def report(page, text, percent):
    field(page, "进展情况").fill(text)
    field(page, "进度（%），100 即报请验收").fill(str(percent))
    page.get_by_role("button", name="提交").click()


def test_a_task_assigned_to_a_branch_is_reported_submitted_and_accepted_with_notifications(
    new_page, tree, users, plan, log_in
):
    deadline = timezone.localdate() + timedelta(days=20)

    # The committee admin assigns the task to the branch.
    committee = log_in(new_page(), users.committee_admin)
    committee.goto(f"/plans/{plan.id}/")
    committee.get_by_role("link", name="下达任务").click()
    choose(committee, "方案事项", "二 严明政治纪律")
    choose(committee, "责任单位", tree.branch.name)
    field(committee, "任务").fill(TASK)
    field(committee, "完成时限").fill(deadline.isoformat())
    committee.get_by_role("button", name="保存").click()
    expect_flash(committee, f"已下达任务“{TASK}”")

    # The secretary finds it in 消息 at once (the bell counts it) and follows its link.
    secretary = log_in(new_page(), users.secretary)
    expect(secretary.get_by_role("link", name=re.compile(r"^消息")).first).to_contain_text("1")
    open_inbox(secretary)
    assigned = message(secretary, f"新任务：{TASK}")
    expect(assigned).to_contain_text(f"市直机关工委下达给{tree.branch.name}")
    expect(assigned).to_contain_text(f"完成时限 {deadline:%Y-%m-%d}")
    assigned.get_by_role("button", name="查看并标为已读").click()
    expect(secretary.get_by_role("heading", level=1)).to_contain_text(TASK)
    expect(secretary.locator("#task-status")).to_have_text("未开始")

    # Progress half-way, then 100% with a note, which submits it for acceptance.
    report(secretary, "已制定党课方案，确定授课人", 50)
    expect_flash(secretary, "已报告进展")
    expect(secretary.locator("#task-status")).to_have_text("进行中")
    expect(secretary.locator("#task-progress")).to_have_text(re.compile(r"^50(\.0)?%"))
    report(secretary, "专题党课已于支部党员大会上讲授，42 人参加", 100)
    expect_flash(secretary, "已报请验收")
    expect(secretary.locator("#task-status")).to_have_text("待验收")

    # The committee admin is told, opens the task from 消息 and accepts it with a comment.
    committee.goto("/")
    open_inbox(committee)
    submitted = message(committee, f"任务报请验收：{TASK}")
    expect(submitted).to_contain_text("专题党课已于支部党员大会上讲授")
    submitted.get_by_role("button", name="查看并标为已读").click()
    expect(committee.locator("#task-status")).to_have_text("待验收")
    field(committee, "验收意见").fill("材料齐全，同意验收")
    confirm(committee, committee.get_by_role("button", name="验收通过").click)
    expect_flash(committee, "已验收")
    expect(committee.locator("#task-status")).to_have_text("已完成")

    # The secretary is told it passed, with the comment, and sees it done.
    secretary.goto("/")
    open_inbox(secretary)
    accepted = message(secretary, f"任务已通过验收：{TASK}")
    expect(accepted).to_contain_text("材料齐全，同意验收")
    accepted.get_by_role("button", name="查看并标为已读").click()
    expect(secretary.locator("#task-status")).to_have_text("已完成")
    expect(secretary.locator("#timeline")).to_contain_text("验收通过")
    expect(secretary.locator("#timeline")).to_contain_text("材料齐全，同意验收")
    expect(secretary.get_by_role("heading", name="报告进展")).to_have_count(0)


# --- a phone, 375 px wide -----------------------------------------------------------------------

ROLL = ["张伟", "李娜", "王芳", "刘洋", "陈静", "赵敏"]


@pytest.fixture
def roll(tree, make_member):
    return [make_member(tree.branch, name=name) for name in ROLL]


@pytest.fixture
def phone(browser, live_server):
    """A touch phone 375 px wide (the meta viewport honoured, taps instead of clicks)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    yield context.new_page()
    context.close()


def within_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 2


OFF_SCREEN = """([name, texts]) => {
  const link = [...document.querySelectorAll('main a')].find(a => a.textContent.trim() === name);
  const record = link.closest('tr, li, article, .card, [data-record]');
  const inside = e => { const r = e.getBoundingClientRect();
                        return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 2; };
  const shown = [...record.querySelectorAll('*')].filter(e => e.children.length === 0 && inside(e))
                                                 .map(e => e.textContent.trim());
  return texts.filter(t => !shown.includes(t));
}"""


def off_screen(page, name, texts) -> list[str]:
    """Which of `texts` the record of the member `name` (its row or card) shows off the screen."""
    return page.evaluate(OFF_SCREEN, [name, texts])


def test_on_a_phone_the_member_list_fits_the_screen_with_name_category_and_branch(
    phone, tree, users, roll, log_in
):
    log_in(phone, users.secretary)
    phone.goto(f"/members/?org={tree.branch.id}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("党员信息")
    expect_no_sideways_scroll(phone)
    for name in ROLL:
        link = phone.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert within_screen(link), f"{name} is off the screen"
    for name in ROLL:
        hidden = off_screen(phone, name, ["正式党员", tree.branch.name])
        assert not hidden, f"{name}'s {hidden} is off the screen"
    phone.get_by_role("link", name="李娜", exact=True).tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("李娜")


def mark(page, name, status, reason=""):
    """Set a member's attendance with the thumb: a select, or a tap on the status button."""
    control = page.get_by_label(f"{name}出席情况")
    if control.count() and control.first.evaluate("e => e.tagName") == "SELECT":
        control.first.tap()
        control.first.select_option(label=status)
    else:
        row = page.locator("#attendance tr, #attendance li").filter(has_text=name)
        row.get_by_text(status, exact=True).tap()
    if reason:
        page.get_by_label(f"{name}原因").fill(reason)


def test_on_a_phone_a_secretary_records_attendance_by_tapping(phone, tree, users, roll, log_in):
    log_in(phone, users.secretary)
    phone.goto(f"/meetings/new/?org={tree.branch.id}")
    choose(phone, "类型", "支部党员大会")
    field(phone, "主题").fill("第四季度支部党员大会")
    field(phone, "已召开（现在记录出席情况）").tap()
    field(phone, "召开日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    expect_no_sideways_scroll(phone)
    expect(phone.locator("#attendance tbody tr")).to_have_count(len(ROLL))
    mark(phone, "王芳", "缺席", "出差")
    mark(phone, "刘洋", "请假", "病假")
    save = phone.get_by_role("button", name="保存")
    save.scroll_into_view_if_needed()
    assert within_screen(save)
    save.tap()

    expect_flash(phone, "已保存")
    expect(phone.locator("dl.fields")).to_contain_text("应到 6 人，实到 4 人")
    for name, status, reason in (("王芳", "缺席", "出差"), ("刘洋", "请假", "病假")):
        row = phone.locator("main tr, main li").filter(has_text=name).first
        expect(row).to_contain_text(status)
        expect(row).to_contain_text(reason)
    expect_no_sideways_scroll(phone)


# --- the workbench: every to-do count is the records its link lists ----------------------------


@pytest.fixture
def mid_november():
    """A day well inside the year, so that "overdue this year" exists (not so on 1 January);
    the clock ticks, for the sessions and the browser's waits."""
    with time_machine.travel(
        datetime(2026, 11, 18, 9, 30, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=True
    ):
        yield


@pytest.fixture
def work(mid_november, tree, plan):
    """Tasks in each state and 督办 items for the branch, and some elsewhere in the tree that
    only the committee admin counts."""
    yesterday = timezone.localdate() - timedelta(days=1)
    later = timezone.localdate() + timedelta(days=30)

    def task(org, title, deadline, report=None):
        made = services.task_create(
            actor=SYSTEM,
            plan=plan,
            owner_org=org,
            title=title,
            start_on=deadline - timedelta(days=10),
            deadline=deadline,
        )
        if report is not None:
            services.task_report(actor=SYSTEM, task=made, text="按计划推进", percent=report)
        return made

    task(tree.branch, "逾期未开始的任务", yesterday)
    task(tree.branch, "按期推进的任务", later, report=40)
    task(tree.branch, "报请验收的任务", later, report=100)
    task(tree.branch, "尚未开始的任务", later)
    task(tree.other_branch, "第二支部的任务", later)
    task(tree.far_branch, "民政局逾期的任务", yesterday, report=10)

    received = timezone.localdate() - timedelta(days=3)
    for title, units in (
        ("落实巡察反馈意见", [tree.branch, tree.far_branch]),
        ("整改审计问题", [tree.far_branch]),
    ):
        supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source=Instruction.Source.values[0],
            title=title,
            content=title,
            received_on=received,
            level=Instruction.Level.values[0],
            assignments=[(unit, later) for unit in units],
        )
    far = Assignment.objects.filter(org=tree.far_branch, instruction__title="整改审计问题").get()
    supervision.assignment_answer(actor=SYSTEM, assignment=far, text="已完成整改", on=received)


def todo_cards(page) -> list[tuple[str, int, str]]:
    """(label, count, link) of each card under 我的待办."""
    cards = page.locator(".workbench-todos .stat-card")
    expect(cards.first).to_be_visible()
    found = []
    for card in cards.all():
        link = card.locator("a").first
        number = int(card.locator(".stat-number").inner_text().strip())
        label = card.locator(".stat-label").inner_text().strip()
        found.append((label, number, link.get_attribute("href")))
    return found


LISTED_ROWS = """() => {
  const table = document.querySelector('main table');
  if (!table) return null;
  return [...table.tBodies[0].rows].filter(r => !r.querySelector('td[colspan]')).length;
}"""


def listed(page) -> int:
    """How many records the list page shows: the rows of its table (one page of them)."""
    rows = page.evaluate(LISTED_ROWS)
    assert rows is not None, f"{page.url} shows no table"
    return rows


def titles(page) -> set[str]:
    return set(page.locator("main table tbody tr td a").all_inner_texts())


def follow_every_todo(page, but=()) -> dict[str, tuple[int, set[str]]]:
    """Open each to-do's link (but those labelled in `but`) and check its list shows as many
    records as the card counts; → label: (count, the titles linked in the list)."""
    seen = {}
    for label, count, link in todo_cards(page):
        if label in but:
            continue
        page.goto(link)
        assert listed(page) == count, f"“{label}” counts {count}, {link} lists {listed(page)}"
        seen[label] = (count, titles(page))
    return seen


def test_the_secretarys_todos_each_list_exactly_the_records_they_count(page, users, work, log_in):
    log_in(page, users.secretary)
    seen = follow_every_todo(page)
    assert seen["逾期任务"] == (1, {"逾期未开始的任务"})
    assert seen["未开始的任务"] == (2, {"逾期未开始的任务", "尚未开始的任务"})
    assert seen["进行中待报告进展"] == (1, {"按期推进的任务"})
    assert seen["待验收的任务"] == (1, {"报请验收的任务"})
    assert seen["督办事项待反馈"][0] == 1
    assert "落实巡察反馈意见" in seen["督办事项待反馈"][1]
    assert seen["督办事项已反馈待办结"][0] == 0


def test_the_committee_admins_todos_each_list_exactly_the_records_they_count(
    page, users, work, log_in
):
    log_in(page, users.committee_admin)
    seen = follow_every_todo(page, but=[PENDING_SUPERVISION])
    assert seen["逾期任务"] == (2, {"逾期未开始的任务", "民政局逾期的任务"})
    assert seen["未开始的任务"][0] == 3
    assert "第二支部的任务" in seen["未开始的任务"][1]
    assert seen["待验收的任务"] == (1, {"报请验收的任务"})
    assert seen["督办事项已反馈待办结"] == (1, {"整改审计问题"})


PENDING_SUPERVISION = "督办事项待反馈"


def test_the_committee_admins_pending_supervision_count_is_the_items_listed(
    page, users, work, log_in
):
    log_in(page, users.committee_admin)
    (count, link) = next(
        (n, url) for label, n, url in todo_cards(page) if label == PENDING_SUPERVISION
    )
    page.goto(link)
    assert listed(page) == count


BAR_CENTRE = """([chartId, series, index]) => {
  const el = document.getElementById(chartId);
  const chart = window.echarts.getInstanceByDom(el);
  const box = el.getBoundingClientRect();
  const bar = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(index);
  const value = chart.getOption().series[series].data[index].value;
  return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2, value];
}"""


def click_bar(page, chart_id, series, index) -> int:
    """Click the middle of a bar of an ECharts bar chart; → the value the bar shows."""
    chart = page.locator(f"#{chart_id}")
    expect(chart.locator("canvas")).to_have_count(1)
    chart.scroll_into_view_if_needed()
    start = page.url
    value = None
    for _ in range(3):  # a click while the bars still grow (ECharts animates them) can miss
        if page.url != start:
            break
        x, y, value = page.evaluate(BAR_CENTRE, [chart_id, series, index])
        page.mouse.click(x, y)
        try:
            page.wait_for_url(lambda url: url != start, wait_until="commit", timeout=3_000)
        except PlaywrightTimeout:
            continue
    if page.url != start:
        page.wait_for_load_state()
        return value
    raise AssertionError(f"a click on bar {index} of series {series} of #{chart_id} went nowhere")


def test_the_committee_admins_task_bars_open_the_tasks_they_count(page, users, tree, work, log_in):
    log_in(page, users.committee_admin)
    # Units are the orgs right below the committee, by path: the 发改委 unit, then 民政局.
    overdue = click_bar(page, "chart-tasks", 2, 1)
    expect(page).to_have_url(re.compile(rf"/plans/tasks/\?owner={tree.far_unit.id}&status=overdue"))
    assert listed(page) == overdue == 1
    assert titles(page) == {"民政局逾期的任务"}

    page.goto("/")
    assigned = click_bar(page, "chart-tasks", 0, 0)
    expect(page).to_have_url(re.compile(rf"/plans/tasks/\?owner={tree.unit.id}"))
    assert listed(page) == assigned == 5
    assert "第二支部的任务" in titles(page)


def test_the_supervision_statistics_read_as_one_sentence(page, users, work, log_in):
    log_in(page, users.committee_admin)
    page.goto("/plans/supervision/")
    stats = page.locator("#stats")
    expect(stats).to_contain_text("登记事项 2 件，承办 3 件次")
    line = page.evaluate("() => parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    # Tabler's card is a flex column: unwrapped, every number stood on a line of its own.
    assert stats.bounding_box()["height"] < 5 * line  # one line and the card's padding
