"""Member development: step 7 (确定发展对象) is refused less than 12 months after step 3,
with the rule and the earliest date, and recorded when the 12 months have passed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.access import SYSTEM
from mofan.core.dates import add_months
from mofan.members import idcard
from mofan.members.development import (
    DEFAULT_RULES,
    candidate_apply,
    candidate_record_step,
)
from mofan.members.models import Candidate, DevelopmentRule

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def development_rules(transactional_db):
    """The rule table comes from a data migration, which a live-server test's flush empties;
    put the defaults back for the tests that run after one in the same process."""
    for order, (code, name, value, unit, basis) in enumerate(DEFAULT_RULES):
        DevelopmentRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "value": value,
                "unit": unit,
                "basis": basis,
                "sort_order": order,
            },
        )


def activist(org, name, number, step3_days_ago):
    """A candidate through steps 1–6 (step 3, 确定入党积极分子, `step3_days_ago` days ago)."""
    today = timezone.localdate()
    born = date(1995, 4, 8)
    candidate = candidate_apply(
        actor=SYSTEM,
        org=org,
        name=name,
        id_number=idcard.make("110105", born, number, "male"),
        applied_on=today - timedelta(days=step3_days_ago + 40),
    )
    for step, days_ago in [
        (2, step3_days_ago + 20),
        (3, step3_days_ago),
        (4, step3_days_ago - 10),
        (5, step3_days_ago - 20),
        (6, 30),
    ]:
        candidate_record_step(
            actor=SYSTEM, candidate=candidate, number=step, on=today - timedelta(days=days_ago)
        )
    return candidate, today - timedelta(days=step3_days_ago)


def test_it_refuses_step_7_before_12_months_as_activist(page, users, tree, log_in):
    candidate, activist_on = activist(tree.branch, "陈晨", 211, step3_days_ago=200)
    earliest = add_months(activist_on, 12)
    log_in(page, users.secretary)
    page.goto(f"/members/development/{candidate.id}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("陈晨")
    expect(page.locator("#next-step")).to_have_text("记录第 7 步：确定发展对象")
    expect(page.get_by_label("日期")).to_have_value(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("材料/文号").fill("支委会会议记录")
    page.get_by_role("button", name="记录", exact=True).click()

    expect(page.locator(".invalid-feedback")).to_have_text(
        "入党积极分子须经 12 个月以上培养教育才能列为发展对象："
        f"陈晨 于 {activist_on:%Y-%m-%d} 确定为积极分子，最早可于 {earliest:%Y-%m-%d} 确定为发展对象"
    )
    expect(page.get_by_label("材料/文号")).to_have_value("支委会会议记录")
    expect(page.locator("main table")).not_to_contain_text("确定发展对象")
    candidate.refresh_from_db()
    assert candidate.last_step == 6

    # Still an activist: the secretary records another review (第 6 步) instead.
    page.get_by_role("button", name="记录一次培养考察（第 6 步）").click()

    expect(page.locator(".flash.success")).to_have_text("已记录第 6 步“培养教育考察”")
    expect(page.locator("main table tbody tr").filter(has_text="6. 培养教育考察")).to_have_count(2)
    assert candidate.steps.filter(number=6, on=timezone.localdate()).exists()


def test_it_records_step_7_after_12_months_as_activist(page, users, tree, log_in):
    candidate, _ = activist(tree.branch, "周杰", 213, step3_days_ago=400)
    today = timezone.localdate()
    log_in(page, users.secretary)
    page.goto(f"/members/development/{candidate.id}/")

    expect(page.locator("#next-step")).to_have_text("记录第 7 步：确定发展对象")
    page.get_by_label("材料/文号").fill("支委会会议记录")
    page.get_by_role("button", name="记录", exact=True).click()

    expect(page.locator(".flash.success")).to_have_text("已记录第 7 步“确定发展对象”")
    step = page.locator("main table tbody tr").filter(has_text="7. 确定发展对象")
    expect(step.locator("td")).to_have_text(
        ["7. 确定发展对象", "发展对象的确定和考察", f"{today:%Y-%m-%d}", "", "支委会会议记录", ""]
    )
    expect(page.locator("#next-step")).to_have_text("记录第 8 步：报上级党委备案")
    assert Candidate.objects.get(pk=candidate.pk).last_step == 7
