"""The 工作台 in a browser: the to-do cards link to their records and a chart's bar opens the
records behind it (ECharts drawn by core/charts.js from the json_script data)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.access import SYSTEM
from mofan.plans import services
from mofan.plans.models import Plan

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_task(tree):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=SYSTEM, org=tree.committee, year=today.year, kind=Plan.Kind.MASTER, title="实施方案"
    )
    return services.task_create(
        actor=SYSTEM,
        plan=plan,
        owner_org=tree.branch,
        title="逾期的任务",
        start_on=date(today.year, 1, 1),
        deadline=max(date(today.year, 1, 2), today - timedelta(days=1)),
    )


def test_a_secretary_follows_a_todo_and_a_bar_to_the_overdue_task(
    page, users, overdue_task, log_in, tmp_path
):
    log_in(page, users.secretary)
    page.get_by_role("link", name=re.compile("逾期任务")).click()
    expect(page).to_have_url(re.compile(r"/plans/tasks/\?status=overdue$"))
    expect(page.get_by_role("link", name="逾期的任务")).to_be_visible()

    page.goto("/")
    chart = page.locator("#chart-tasks")
    expect(chart.locator("canvas")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "workbench-secretary.png"), full_page=True)
    chart.scroll_into_view_if_needed()
    # The middle of the 逾期 bar of the branch (series 2, first category).
    x, y = page.evaluate(
        """() => {
          const el = document.getElementById('chart-tasks');
          const chart = window.echarts.getInstanceByDom(el);
          const box = el.getBoundingClientRect();
          const bar = chart.getModel().getSeriesByIndex(2).getData().getItemLayout(0);
          return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
        }"""
    )
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"/plans/tasks/\?owner=\d+&status=overdue"))
    expect(page.get_by_role("link", name="逾期的任务")).to_be_visible()
